using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// installers/windows/*.ps1 under pwsh on Linux (PowerShell as a .NET tool, see tests/install-deps.sh): both scripts
/// parse without errors, and <c>install.ps1 -DryRun</c> checks a real control plane and the token, prints every action
/// and never the token.
/// </summary>
public sealed class WindowsInstallerTests
{
    private static readonly string InstallScript = Path.Combine(AgentPackageFixture.InstallersDirectory, "windows", "install.ps1");

    public static TheoryData<string> Scripts() => new("install.ps1", "uninstall.ps1");

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_PowerShellParser_NoErrors(string script)
    {
        var path = Path.Combine(AgentPackageFixture.InstallersDirectory, "windows", script).Replace("'", "''");
        var parse = "$tokens = $null; $errors = $null; "
            + $"[void][System.Management.Automation.Language.Parser]::ParseFile('{path}', [ref]$tokens, [ref]$errors); "
            + "$errors | ForEach-Object { Write-Output (\"{0}: {1}\" -f $_.Extent.StartLineNumber, $_.Message) }; exit $errors.Count";

        var result = await ToolProcess.RunAsync(PwshPath(), ["-NoProfile", "-NonInteractive", "-Command", parse]);

        Assert.True(result.ExitCode == 0, $"{script} does not parse: {result}");
    }

    [Fact]
    public async Task Install_DryRunAgainstARealControlPlane_PrintsEveryStepAndNeverTheToken()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(10);
        await cp.JsonAsync("tenants", "create", "acme");
        var token = (await cp.JsonAsync("tokens", "create", "--tenant", "acme"))["token"]!.GetValue<string>();

        var result = await ToolProcess.RunAsync(PwshPath(),
            ["-NoProfile", "-NonInteractive", "-File", InstallScript, "-Server", cp.BaseUrl, "-Name", "win-1", "-Label", "env=ci",
                "-AllowPath", @"C:\inetpub", "-AllowCidr", "10.0.0.0/8", "-DryRun"],
            new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = token });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"control plane {cp.BaseUrl} reachable", result.StdOut);
        Assert.Contains("New-Service secplat-agent -BinaryPathName '\"C:\\Program Files\\SecPlatform\\Agent\\secplat-agent.exe\" run --state-dir \"C:\\ProgramData\\SecPlatform\\Agent\"'", result.StdOut);
        Assert.Contains("sc.exe failure secplat-agent reset= 86400 actions= restart/5000/restart/5000/restart/60000", result.StdOut);
        Assert.Contains(@"icacls.exe C:\ProgramData\SecPlatform\Agent /inheritance:r /grant:r NT SERVICE\secplat-agent:(OI)(CI)F", result.StdOut);
        Assert.Contains($"register --server {cp.BaseUrl} --state-dir C:\\ProgramData\\SecPlatform\\Agent --name win-1 --label env=ci --allow-path C:\\inetpub --allow-cidr 10.0.0.0/8", result.StdOut);
        Assert.DoesNotContain(token, result.StdOut + result.StdErr);
        // A dry run sends nothing but the health check: the token is still unused.
        Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Install_NoToken_OneLineUsageError()
    {
        var result = await ToolProcess.RunAsync(PwshPath(),
            ["-NoProfile", "-NonInteractive", "-File", InstallScript, "-Server", "http://127.0.0.1:9", "-DryRun"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("install.ps1: no bootstrap token: pass -TokenFile FILE", error);
    }

    [Fact]
    public async Task Install_HttpsWithWrongPinFormat_OneLineUsageError()
    {
        var result = await ToolProcess.RunAsync(PwshPath(),
            ["-NoProfile", "-NonInteractive", "-File", InstallScript, "-Server", "https://127.0.0.1:9", "-Pin", "sha256//short", "-DryRun"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("install.ps1: -Pin must look like sha256//", result.StdErr);
    }

    /// <summary>pwsh on the PATH, else where `dotnet tool install --global PowerShell` puts it.</summary>
    private static string PwshPath()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "pwsh"))
            .FirstOrDefault(File.Exists);
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "pwsh");
        var found = onPath ?? (File.Exists(tool) ? tool : null);
        Assert.True(found is not null, "pwsh is not installed: run `bash tests/install-deps.sh` (dotnet tool install --global PowerShell --version 7.6.9)");
        return found!;
    }
}
