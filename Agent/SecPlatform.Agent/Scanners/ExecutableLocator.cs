using SecPlatform.Agent.Platform;

namespace SecPlatform.Agent.Scanners;

/// <summary>
/// Finds an executable on PATH the way a shell would, without a shell. Relative PATH entries
/// (<c>.</c>, empty) are skipped: they would make the working directory decide what runs.
/// </summary>
public sealed class ExecutableLocator(IAgentPlatform platform, Func<string, string?> getEnvironmentVariable)
{
    public string? Find(string command)
    {
        var path = getEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Path.IsPathFullyQualified(directory))
            {
                continue;
            }

            foreach (var fileName in platform.ExecutableFileNames(command))
            {
                var candidate = Path.Combine(directory, fileName);
                if (platform.IsExecutable(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
