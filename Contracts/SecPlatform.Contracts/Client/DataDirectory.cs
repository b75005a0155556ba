namespace SecPlatform.Contracts.Client;

/// <summary>
/// Where the control plane keeps its data when no <c>--data-dir</c> is given, and where the CLI on the
/// same machine finds the first-start admin key. Both ends use this one definition.
/// </summary>
public static class DataDirectory
{
    /// <summary>The file (mode 0600) holding the first super admin's key, written once on first start.</summary>
    public const string InitialAdminKeyFileName = "initial-admin.key";

    /// <summary>The self-signed certificate an https control plane creates on first start (the key lies beside it), relative to the data directory.</summary>
    public static readonly string ServerCertificateFile = Path.Combine("tls", "server.crt");

    /// <summary>Environment variable that overrides the default data directory.</summary>
    public const string EnvironmentVariable = "SECPLAT_DATA_DIR";

    /// <summary>
    /// <c>$SECPLAT_DATA_DIR</c> if set, else <c>~/.local/share/secplatform</c> on Linux and macOS and
    /// <c>%LOCALAPPDATA%\SecPlatform</c> on Windows.
    /// </summary>
    public static string Default
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return Path.GetFullPath(fromEnvironment);
            }

            var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(localData, OperatingSystem.IsWindows() ? "SecPlatform" : "secplatform");
        }
    }
}
