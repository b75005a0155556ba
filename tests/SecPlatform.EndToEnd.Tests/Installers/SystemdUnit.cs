namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// The parts of a rendered systemd unit a test needs to start the service the way systemd would (no systemd runs in
/// CI): <c>ExecStart</c> split into words, and the environment from <c>Environment=</c> and <c>EnvironmentFile=</c>.
/// The installer keeps its paths free of spaces and quotes, so plain word splitting is systemd's own splitting here.
/// </summary>
public sealed class SystemdUnit(IReadOnlyList<(string Key, string Value)> settings)
{
    public static SystemdUnit Load(string path) => new(
        [.. File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && line[0] is not ('#' or ';' or '['))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0].Trim(), parts[1].Trim()))]);

    public IReadOnlyList<string> Values(string key) => [.. settings.Where(s => s.Key == key).Select(s => s.Value)];

    public string Single(string key) => Assert.Single(Values(key));

    public IReadOnlyList<string> ExecStart => Single("ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The service's environment: every <c>EnvironmentFile=</c> (a leading '-' means optional), then <c>Environment=</c>.</summary>
    public IDictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>();
        foreach (var file in Values("EnvironmentFile"))
        {
            var path = file.TrimStart('-');
            if (!File.Exists(path))
            {
                Assert.StartsWith("-", file);
                continue;
            }

            foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#'))
            {
                var parts = line.Split('=', 2);
                environment[parts[0]] = parts.Length == 2 ? parts[1] : "";
            }
        }

        foreach (var assignment in Values("Environment").SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = assignment.Split('=', 2);
            environment[parts[0]] = parts[1];
        }

        return environment;
    }
}
