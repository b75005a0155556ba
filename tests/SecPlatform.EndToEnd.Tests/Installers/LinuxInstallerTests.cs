using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using SecPlatform.Testing;
using Xunit.Abstractions;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// installers/linux/install.sh and uninstall.sh for real: <c>--prefix</c> installs of the packaged linux-x64 agent
/// against a real control plane, the installed agent started with the rendered unit's own ExecStart line and
/// environment (no systemd runs in CI), an upgrade, a purge, and the failures that must leave nothing behind.
/// </summary>
[Collection(AgentPackageCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class LinuxInstallerTests(AgentPackageFixture package, ITestOutputHelper output) : IAsyncLifetime
{
    private const int LeaseSeconds = 10;

    private static readonly string InstallScript = Path.Combine(AgentPackageFixture.InstallersDirectory, "linux", "install.sh");
    private static readonly string UninstallScript = Path.Combine(AgentPackageFixture.InstallersDirectory, "linux", "uninstall.sh");

    private readonly string _prefix = Directory.CreateTempSubdirectory("secplat-e2e-prefix-").FullName;
    private readonly string _secrets = Directory.CreateTempSubdirectory("secplat-e2e-secrets-").FullName;

    private string StateDir => Path.Combine(_prefix, "var/lib/secplat-agent");

    private string UnitFile => Path.Combine(_prefix, "etc/systemd/system/secplat-agent.service");

    private string InstalledBinary => Path.Combine(_prefix, "opt/secplat-agent/bin/secplat-agent");

    // Over https with the certificate the control plane generated and its real pin, as on a real server: the installer's
    // checks, the agent's registration, its service run, the upgrade and the purge all go through the pinned handshake.
    [Fact]
    public async Task InstallRunUpgradeUninstall_HttpsWithPin_RegistersOnlineKeepsIdentityAndLeavesNothing()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds, tls: true);
        Assert.StartsWith("https://", cp.BaseUrl);
        var pin = cp.Pin!;
        await cp.JsonAsync("tenants", "create", "acme");
        var tokenFile = await NewTokenFileAsync(cp, "acme");
        var scanRoot = Directory.CreateTempSubdirectory("secplat-e2e-scan-").FullName;

        var clock = Stopwatch.StartNew();
        var install = await InstallAsync(cp.BaseUrl, "--pin", pin, "--token-file", tokenFile, "--name", "installed-1", "--label", "env=ci", "--allow-path", scanRoot);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains($"control plane {cp.BaseUrl} reachable, key matches the pin", install.StdOut);
        Assert.Contains($"ExecStart={InstalledBinary} run --state-dir {StateDir}", install.StdOut);

        var unit = SystemdUnit.Load(UnitFile);
        Assert.Equal("secplat-agent", unit.Single("User"));
        Assert.Equal("on-failure", unit.Single("Restart"));
        Assert.Equal("network-online.target", unit.Single("After"));
        Assert.Equal("yes", unit.Single("NoNewPrivileges"));
        Assert.Equal("strict", unit.Single("ProtectSystem"));
        Assert.Equal(StateDir, unit.Single("ReadWritePaths"));
        Assert.Equal("60", unit.Single("TimeoutStopSec"));
        await AssertSystemdAcceptsAsync(UnitFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(StateDir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(StateDir, "agent.db")));
        Assert.False(File.Exists(Path.Combine(StateDir, ".bootstrap-token")), "the token file outlived the registration");

        await using (var agent = StartAsUnit(unit))
        {
            var online = await WaitForAgentAsync(cp, "online", agent);
            clock.Stop();
            output.WriteLine($"install.sh start to agent online over https: {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal("installed-1", online.Str("name"));
            Assert.Equal("ci", online["labels"]!["env"]!.GetValue<string>());
            var agentId = online.Str("id");

            // The upgrade runs while the old agent still runs (as it would before `systemctl restart`): the binary is
            // renamed over, never written in place, and no token is needed (the one above was used up).
            var inodeBefore = await InodeAsync(InstalledBinary);
            var upgrade = await InstallAsync(cp.BaseUrl, "--pin", pin);
            Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
            Assert.Contains("upgrading it in place", upgrade.StdOut);
            Assert.NotEqual(inodeBefore, await InodeAsync(InstalledBinary));
            Assert.Equal(await File.ReadAllBytesAsync(package.LinuxBinary), await File.ReadAllBytesAsync(InstalledBinary));

            agent.Terminate();
            var stopped = await agent.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(stopped.ExitCode == 0, stopped.ToString());

            await using var restarted = StartAsUnit(SystemdUnit.Load(UnitFile));
            var again = await WaitForAgentAsync(cp, "online", restarted);
            Assert.Equal(agentId, again.Str("id"));
            Assert.Single((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
            var policy = await ToolProcess.RunAsync(InstalledBinary, ["policy", "show", "--state-dir", StateDir, "--output", "json"]);
            Assert.Contains(scanRoot, policy.StdOut);

            // systemctl stop comes first in a real uninstall; here the test stops the process.
            restarted.Terminate();
            await restarted.WaitAsync(TimeSpan.FromSeconds(90));
        }

        var uninstall = await ToolProcess.RunAsync("sh", [UninstallScript, "--purge", "--prefix", _prefix]);
        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
        Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
        Directory.Delete(scanRoot);
    }

    [Fact]
    public async Task UninstallWithoutPurge_KeepsTheState_ReinstallWithoutTokenKeepsTheIdentity()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", "acme");
        var install = await InstallAsync(cp.BaseUrl, "--token-file", await NewTokenFileAsync(cp, "acme"));
        Assert.True(install.ExitCode == 0, install.ToString());
        var agentId = Assert.Single((await cp.JsonAsync("agents", "list"))["items"]!.AsArray())!.Str("id");

        var uninstall = await ToolProcess.RunAsync("sh", [UninstallScript, "--prefix", _prefix]);

        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        Assert.Contains("kept the agent's state", uninstall.StdOut);
        Assert.False(File.Exists(InstalledBinary));
        Assert.False(File.Exists(UnitFile));
        Assert.True(File.Exists(Path.Combine(StateDir, "agent.db")));
        Assert.Equal(agentId, Assert.Single((await cp.JsonAsync("agents", "list"))["items"]!.AsArray())!.Str("id"));

        var reinstall = await InstallAsync(cp.BaseUrl);

        Assert.True(reinstall.ExitCode == 0, reinstall.ToString());
        Assert.Contains("upgrading it in place", reinstall.StdOut);
        var status = await ToolProcess.RunAsync(InstalledBinary, ["status", "--state-dir", StateDir, "--output", "json"]);
        Assert.Equal(agentId, System.Text.Json.Nodes.JsonNode.Parse(status.StdOut)!.Str("agentId"));
        Assert.Single((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
    }

    [Fact]
    public async Task UninstallPurge_ControlPlaneUnreachable_RemovesNothingSoItCanBeRetried()
    {
        var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await using (cp)
        {
            await cp.JsonAsync("tenants", "create", "acme");
            var install = await InstallAsync(cp.BaseUrl, "--token-file", await NewTokenFileAsync(cp, "acme"));
            Assert.True(install.ExitCode == 0, install.ToString());
        }

        var uninstall = await ToolProcess.RunAsync("sh", [UninstallScript, "--purge", "--prefix", _prefix]);

        Assert.True(uninstall.ExitCode == 1, uninstall.ToString());
        var error = Assert.Single(uninstall.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("uninstall.sh: could not deregister the agent (nothing was removed): ", error);
        Assert.True(File.Exists(InstalledBinary));
        Assert.True(File.Exists(UnitFile));
        Assert.True(File.Exists(Path.Combine(StateDir, "agent.db")));
    }

    [Fact]
    public async Task Install_DryRun_PrintsTheActionsAndChangesNothing()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", "acme");
        var tokenFile = await NewTokenFileAsync(cp, "acme");

        var dryRun = await InstallAsync(cp.BaseUrl, "--token-file", tokenFile, "--dry-run");

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains($"+ mv -f {InstalledBinary}.new {InstalledBinary}", dryRun.StdOut);
        Assert.Contains($"register --server {cp.BaseUrl} --token-file {StateDir}/.bootstrap-token", dryRun.StdOut);
        Assert.Contains("ExecStart=", dryRun.StdOut);
        Assert.DoesNotContain((await File.ReadAllTextAsync(tokenFile)).Trim(), dryRun.StdOut + dryRun.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
        Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Install_WithoutToken_FailsBeforeContactingAnythingAndLeavesNothing()
    {
        var result = await InstallAsync("http://127.0.0.1:9");

        AssertFailedCleanly(result, 2, "no bootstrap token: pass --token-file FILE");
    }

    [Fact]
    public async Task Install_MalformedToken_FailsAndLeavesNothing()
    {
        var tokenFile = Path.Combine(_secrets, "token");
        await File.WriteAllTextAsync(tokenFile, "not-a-token\n");

        var result = await InstallAsync("http://127.0.0.1:9", "--token-file", tokenFile);

        AssertFailedCleanly(result, 2, "does not hold a bootstrap token");
    }

    [Fact]
    public async Task Install_UnreachableServer_FailsAndLeavesNothing()
    {
        var tokenFile = Path.Combine(_secrets, "token");
        await File.WriteAllTextAsync(tokenFile, "spbt_abcdefghijkl_" + new string('A', 43) + "\n");
        var nobodyListens = FreePort.Find();

        var result = await InstallAsync($"http://127.0.0.1:{nobodyListens}", "--token-file", tokenFile);

        AssertFailedCleanly(result, 1, $"cannot connect to http://127.0.0.1:{nobodyListens}");
    }

    [Fact]
    public async Task Install_RefusedToken_RollsBackEverythingItCreated()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        var tokenFile = Path.Combine(_secrets, "token");
        await File.WriteAllTextAsync(tokenFile, "spbt_abcdefghijkl_" + new string('A', 43) + "\n");

        var result = await InstallAsync(cp.BaseUrl, "--token-file", tokenFile);

        AssertFailedCleanly(result, 1, "registration failed: the bootstrap token was refused");
        Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Install_HttpsWithoutPin_RefusedBeforeAnyConnection()
    {
        var tokenFile = Path.Combine(_secrets, "token");
        await File.WriteAllTextAsync(tokenFile, "spbt_abcdefghijkl_" + new string('A', 43) + "\n");

        var result = await InstallAsync("https://127.0.0.1:9", "--token-file", tokenFile);

        AssertFailedCleanly(result, 2, "--pin is required with an https server");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_prefix, recursive: true);
        Directory.Delete(_secrets, recursive: true);
        return Task.CompletedTask;
    }

    private Task<ProcessResult> InstallAsync(string server, params string[] args) =>
        ToolProcess.RunAsync("sh", [InstallScript, "--server", server, "--binary", package.LinuxBinary, "--prefix", _prefix, .. args]);

    private void AssertFailedCleanly(ProcessResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("install.sh: ", error);
        Assert.Contains(message, error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
    }

    private async Task<string> NewTokenFileAsync(ControlPlaneProcess cp, string tenant)
    {
        var token = (await cp.JsonAsync("tokens", "create", "--tenant", tenant, "--max-uses", "1"))["token"]!.GetValue<string>();
        var path = Path.Combine(_secrets, "secplat.token");
        await File.WriteAllTextAsync(path, token + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>Starts the service as systemd would: the unit's ExecStart with the unit's environment.</summary>
    internal static ToolProcess StartAsUnit(SystemdUnit unit)
    {
        var command = unit.ExecStart;
        return ToolProcess.Start(command[0], command.Skip(1), unit.Environment(), workingDirectory: unit.Single("WorkingDirectory"));
    }

    private static async Task AssertSystemdAcceptsAsync(string unitFile)
    {
        var verify = await ToolProcess.RunAsync("systemd-analyze", ["verify", "--man=no", unitFile]);
        Assert.True(verify.ExitCode == 0 && verify.StdErr.Trim().Length == 0, $"systemd-analyze verify {unitFile}: {verify}");
    }

    private static async Task<string> InodeAsync(string path)
    {
        var stat = await ToolProcess.RunAsync("stat", ["-c", "%i", path]);
        Assert.True(stat.ExitCode == 0, stat.ToString());
        return stat.StdOut.Trim();
    }

    internal static async Task<JsonNode> WaitForAgentAsync(ControlPlaneProcess cp, string health, ToolProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var items = (await cp.JsonAsync("agents", "list"))["items"]!.AsArray();
            if (items.FirstOrDefault(item => item!.Str("health") == health) is { } found)
            {
                return found;
            }

            if (agent.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no agent {health}: {items.ToJsonString()}\nagent:\n{agent.StdOut}\n{agent.StdErr}\ncontrol plane:\n{cp.Log}");
            }

            await Task.Delay(200);
        }
    }
}
