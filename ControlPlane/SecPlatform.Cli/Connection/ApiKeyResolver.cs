using SecPlatform.Cli.Errors;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Connection;

/// <summary>
/// Finds the admin API key: <c>--api-key</c>, else <c>$SECPLAT_API_KEY</c>, else the first-start key
/// file the control plane writes into its data directory (<c>--data-dir</c>, else
/// <see cref="DataDirectory.Default"/>), so the CLI works with no set-up on the service's machine.
/// </summary>
public static class ApiKeyResolver
{
    public static ResolvedApiKey Resolve(string? optionValue, Func<string, string?> getVariable, string? dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(optionValue))
        {
            return new ResolvedApiKey(optionValue.Trim(), null);
        }

        var fromEnvironment = getVariable(CliEnvironment.ApiKeyVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new ResolvedApiKey(fromEnvironment.Trim(), null);
        }

        var directory = string.IsNullOrWhiteSpace(dataDirectory) ? DataDirectory.Default : Path.GetFullPath(dataDirectory);
        var path = Path.Combine(directory, DataDirectory.InitialAdminKeyFileName);
        return new ResolvedApiKey(ReadKeyFile(path), path);
    }

    private static string ReadKeyFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.Authentication,
                $"no admin API key: pass --api-key KEY, set {CliEnvironment.ApiKeyVariable}, or point --data-dir at the control plane's data directory (no key file at {path})");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Authentication,
                $"cannot read the key file {path} (mode 0600, readable by its owner only): run as that user or pass --api-key KEY");
        }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.Failure, $"cannot read the key file {path}: {e.Message}");
        }

        // The key is the first line that is neither blank nor a comment.
        var key = lines.Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0 && !line.StartsWith('#'));
        return key ?? throw new CliException(ExitCodes.Authentication,
            $"the key file {path} holds no key: pass --api-key KEY or set {CliEnvironment.ApiKeyVariable}");
    }
}
