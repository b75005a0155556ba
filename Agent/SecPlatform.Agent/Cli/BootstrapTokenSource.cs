using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// Where <c>register</c> gets its bootstrap token: <c>--token</c>, else <c>--token-file</c> (read and
/// trimmed), else <c>$SECPLAT_TOKEN</c>. A flag is visible to other users in the process list, which is why
/// the docs recommend the file or the environment. Messages never echo the token.
/// </summary>
public static class BootstrapTokenSource
{
    public const string EnvironmentVariable = "SECPLAT_TOKEN";

    /// <summary>Token files hold one token; anything bigger is not one.</summary>
    public const int MaxFileBytes = 4096;

    public static SecretToken Resolve(string? fromFlag, string? tokenFile, Func<string, string?> getEnvironmentVariable)
    {
        if (fromFlag is not null && tokenFile is not null)
        {
            throw Usage("give the bootstrap token once: --token or --token-file, not both");
        }

        string text;
        string source;
        if (fromFlag is not null)
        {
            (text, source) = (fromFlag, "--token");
        }
        else if (tokenFile is not null)
        {
            (text, source) = (ReadFile(tokenFile), $"the token file {tokenFile}");
        }
        else if (getEnvironmentVariable(EnvironmentVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            (text, source) = (fromEnvironment, $"${EnvironmentVariable}");
        }
        else
        {
            throw Usage($"no bootstrap token: pass --token-file FILE, set ${EnvironmentVariable}, or pass --token TOKEN");
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            throw Usage($"{source} is empty; expected a bootstrap token spbt_<id>_<secret>");
        }

        if (!SecretToken.TryParse(text, SecretKind.BootstrapToken, out var token))
        {
            throw Usage($"{source} does not hold a bootstrap token (expected spbt_<id>_<secret>, as printed by 'secplat tokens create')");
        }

        return token;
    }

    private static string ReadFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                throw Usage($"the token file {path} is too big to hold a bootstrap token");
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Usage($"cannot read the token file {path}: {e.Message}");
        }
    }

    private static AgentCliException Usage(string message) => new(AgentExitCode.Usage, message);
}
