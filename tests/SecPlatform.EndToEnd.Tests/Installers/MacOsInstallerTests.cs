using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// installers/macos/install.sh and uninstall.sh: with <c>--prefix</c> they only lay out files (no dscl, no launchctl),
/// so they run here on Linux with the linux-x64 package: the rendered LaunchDaemon plist is valid, and the agent
/// started from its ProgramArguments and EnvironmentVariables registers and shows online.
/// </summary>
[Collection(AgentPackageCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class MacOsInstallerTests(AgentPackageFixture package) : IAsyncLifetime
{
    private static readonly string InstallScript = Path.Combine(AgentPackageFixture.InstallersDirectory, "macos", "install.sh");
    private static readonly string UninstallScript = Path.Combine(AgentPackageFixture.InstallersDirectory, "macos", "uninstall.sh");

    private readonly string _prefix = Directory.CreateTempSubdirectory("secplat-e2e-macos-").FullName;

    [Fact]
    public async Task InstallRunUninstall_HttpsWithPin_PlistStartsAnOnlineAgentAndPurgeLeavesNothing()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(10, tls: true);
        await cp.JsonAsync("tenants", "create", "acme");
        var token = (await cp.JsonAsync("tokens", "create", "--tenant", "acme"))["token"]!.GetValue<string>();

        var install = await ToolProcess.RunAsync("sh",
            [InstallScript, "--server", cp.BaseUrl, "--pin", cp.Pin!, "--binary", package.LinuxBinary, "--prefix", _prefix, "--name", "mac-1"],
            new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = token });
        Assert.True(install.ExitCode == 0, install.ToString());

        var plist = await LaunchdPlist.LoadAsync(Path.Combine(_prefix, "Library/LaunchDaemons/com.secplatform.agent.plist"));
        var stateDir = Path.Combine(_prefix, "Library/Application Support/SecPlatform/Agent");
        Assert.Equal("com.secplatform.agent", plist["Label"]!.GetValue<string>());
        var arguments = plist["ProgramArguments"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
        Assert.Equal([Path.Combine(_prefix, "usr/local/secplat-agent/bin/secplat-agent"), "run", "--state-dir", stateDir], arguments);
        Assert.Equal("_secplatagent", plist["UserName"]!.GetValue<string>());
        Assert.Equal(60, plist["ExitTimeOut"]!.GetValue<int>());
        Assert.True(plist["RunAtLoad"]!.GetValue<bool>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(stateDir));

        var environment = plist["EnvironmentVariables"]!.AsObject().ToDictionary(e => e.Key, e => (string?)e.Value!.GetValue<string>());
        await using (var agent = ToolProcess.Start(arguments[0], arguments.Skip(1), environment, plist["WorkingDirectory"]!.GetValue<string>()))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            JsonArray items;
            while ((items = (await cp.JsonAsync("agents", "list"))["items"]!.AsArray()).All(a => a!.Str("health") != "online"))
            {
                Assert.False(agent.HasExited || DateTime.UtcNow > deadline, $"the agent did not come online: {agent.StdOut}\n{agent.StdErr}");
                await Task.Delay(200);
            }

            Assert.Equal("mac-1", Assert.Single(items)!.Str("name"));
            agent.Terminate();
            await agent.WaitAsync(TimeSpan.FromSeconds(90));
        }

        var uninstall = await ToolProcess.RunAsync("sh", [UninstallScript, "--purge", "--prefix", _prefix]);
        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
        Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Install_RefusedToken_LeavesNothingUnderThePrefix()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(10);

        var install = await ToolProcess.RunAsync("sh", [InstallScript, "--server", cp.BaseUrl, "--binary", package.LinuxBinary, "--prefix", _prefix],
            new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = "spbt_abcdefghijkl_" + new string('A', 43) });

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("install.sh: registration failed: the bootstrap token was refused", install.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_prefix, recursive: true);
        return Task.CompletedTask;
    }
}
