namespace SecPlatform.Contracts.Scanners;

/// <summary>
/// The scanner catalog contract, shared by both ends: which scanner ids exist and what parameters each
/// takes. The control plane checks syntax at enqueue time; the agent's own catalog decides how (and
/// whether) to run each one.
/// </summary>
public static class ScannerCatalog
{
    public const int MaxParameterValueLength = 4096;
    public const int MaxParameters = 16;

    private static ScannerParameter PathParameter(string what) => new("path", ParameterKind.Path, Required: true, what);

    public static IReadOnlyList<ScannerSpec> All { get; } =
    [
        new("shellcheck", "Shell script linter (JSON output)", [PathParameter("a shell script or a directory of them")]),
        new("flawfinder", "C/C++ source flaw finder (SARIF output)", [PathParameter("a C/C++ file or source directory")]),
        new("secretlint", "Secret finder (SARIF output)", [PathParameter("a directory (or file) to search for secrets")]),
        new("bandit", "Python security linter (JSON output)", [PathParameter("a Python file or source directory")]),
        new("nmap", "TCP connect port scan (XML output)",
        [
            new("host", ParameterKind.Host, Required: true, "a host name or IP address"),
            new("ports", ParameterKind.Ports, Required: true, "ports such as 22,80,8000-8100"),
        ]),
        new("cdxgen", "Software bill of materials: the components of a project directory (CycloneDX JSON)",
            [PathParameter("a project directory (package.json with its lock file, requirements.txt, pom.xml, ...)")]),
    ];

    public static ScannerSpec? Find(string id) => All.FirstOrDefault(s => s.Id == id);

    /// <summary>Every problem with <paramref name="parameters"/> for <paramref name="spec"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(ScannerSpec spec, IReadOnlyDictionary<string, string> parameters)
    {
        var problems = new List<string>();
        if (parameters.Count > MaxParameters)
        {
            problems.Add($"at most {MaxParameters} parameters are allowed");
        }

        foreach (var (name, value) in parameters)
        {
            var parameter = spec.Parameter(name);
            if (parameter is null)
            {
                problems.Add($"{spec.Id} takes no parameter '{Shorten(name)}' (it takes: {string.Join(", ", spec.Parameters.Select(p => p.Name))})");
                continue;
            }

            if (value.Length > MaxParameterValueLength)
            {
                problems.Add($"parameter '{name}' is longer than {MaxParameterValueLength} characters");
                continue;
            }

            if (ParameterSyntax.Check(parameter.Kind, value) is { } problem)
            {
                problems.Add($"parameter '{name}' {problem}");
            }
        }

        foreach (var missing in spec.Parameters.Where(p => p.Required && !parameters.ContainsKey(p.Name)))
        {
            problems.Add($"{spec.Id} needs parameter '{missing.Name}' ({missing.Description})");
        }

        return problems;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
