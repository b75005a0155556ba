namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>The installer files themselves: every shell script passes shellcheck, the launchd template is a valid plist.</summary>
public sealed class InstallerScriptTests
{
    private static readonly string[] Scripts =
    [
        "package.sh",
        "linux/install.sh",
        "linux/uninstall.sh",
        "macos/install.sh",
        "macos/uninstall.sh",
    ];

    public static TheoryData<string> ShellScripts() => new(Scripts);

    [Theory]
    [MemberData(nameof(ShellScripts))]
    public async Task ShellScript_Shellcheck_NoFindings(string script)
    {
        var path = Path.Combine(AgentPackageFixture.InstallersDirectory, script);

        // Every finding counts, style included; the installers are POSIX sh (curl | sh), package.sh is bash.
        var result = await ToolProcess.RunAsync("shellcheck", ["--severity=style", "--external-sources", path]);

        Assert.True(result.ExitCode == 0, $"shellcheck {script}: {result}");
    }

    [Fact]
    public void ShellScripts_EveryShellInstaller_IsChecked()
    {
        var onDisk = Directory.EnumerateFiles(AgentPackageFixture.InstallersDirectory, "*.sh", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(AgentPackageFixture.InstallersDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Scripts.Order(StringComparer.Ordinal), onDisk);
    }

    [Fact]
    public async Task LaunchdTemplate_Plistlib_ValidWithTheRequiredKeys()
    {
        var plist = await LaunchdPlist.LoadAsync(Path.Combine(AgentPackageFixture.InstallersDirectory, "macos", "com.secplatform.agent.plist.in"));

        Assert.Equal("run", plist["ProgramArguments"]![1]!.GetValue<string>());
        Assert.False(plist["KeepAlive"]!["SuccessfulExit"]!.GetValue<bool>());
        Assert.NotNull(plist["EnvironmentVariables"]?["SECPLAT_AGENT_STATE_DIR"]);
        Assert.NotNull(plist["StandardOutPath"]);
        Assert.NotNull(plist["StandardErrorPath"]);
        Assert.NotNull(plist["UserName"]);
    }
}
