using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// The download path end to end: a TLS control plane serving the package.sh output with <c>--downloads-dir</c>, and the
/// Linux one-liner exactly as <c>secplat tokens create</c> prints it (only <c>sudo</c> dropped, since the tests run as
/// root, and <c>--prefix</c> appended), run through <c>sh -c</c>: pinned curl fetches install-linux.sh, which downloads
/// the agent and the unit template from /downloads, checks SHA256SUMS, registers with the pin; the agent started from
/// the unit comes online. With a wrong pin the line fails and nothing happens.
/// </summary>
[Collection(AgentPackageCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class LinuxOneLinerTests(AgentPackageFixture package) : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("secplat-e2e-prefix-").FullName;
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("secplat-e2e-paste-").FullName;

    [Fact]
    public async Task PrintedLinuxOneLiner_DownloadsChecksRegistersWithThePin_AgentOnline()
    {
        await using var cp = await StartServingDownloadsAsync();
        var (line, tokenId) = await PrintedLinuxOneLinerAsync(cp);

        var paste = await RunPastedAsync(line);

        Assert.True(paste.ExitCode == 0, paste.ToString());
        Assert.Contains($"control plane {cp.BaseUrl} reachable, key matches the pin", paste.StdOut);
        Assert.Contains("secplat-agent-linux-x64 matches its checksum in SHA256SUMS", paste.StdOut);
        var installedBinary = Path.Combine(_prefix, "opt/secplat-agent/bin/secplat-agent");
        Assert.Equal(await File.ReadAllBytesAsync(package.LinuxBinary), await File.ReadAllBytesAsync(installedBinary));
        var unit = SystemdUnit.Load(Path.Combine(_prefix, "etc/systemd/system/secplat-agent.service"));
        Assert.Equal([installedBinary, "run", "--state-dir", Path.Combine(_prefix, "var/lib/secplat-agent")], unit.ExecStart);

        await using var agent = LinuxInstallerTests.StartAsUnit(unit);
        var online = await LinuxInstallerTests.WaitForAgentAsync(cp, "online", agent);
        var registration = Assert.Single((await cp.JsonAsync("registrations", "list"))["items"]!.AsArray())!;
        Assert.Equal(online.Str("id"), registration.Str("agentId"));
        Assert.Equal(tokenId, registration.Str("tokenId"));
        agent.Terminate();
        await agent.WaitAsync(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task PrintedLinuxOneLiner_WrongPin_FailsNothingInstalledTokenUnused()
    {
        await using var cp = await StartServingDownloadsAsync();
        var (line, tokenId) = await PrintedLinuxOneLinerAsync(cp);
        var wrongPin = "sha256//" + Convert.ToBase64String(SHA256.HashData("not the control plane's key"u8));
        var tampered = line.Replace(cp.Pin!, wrongPin, StringComparison.Ordinal);
        Assert.NotEqual(line, tampered);

        var paste = await RunPastedAsync(tampered);

        Assert.True(paste.ExitCode != 0, paste.ToString());
        Assert.Contains("public key does not match pinned public key", paste.StdErr);
        Assert.False(File.Exists(Path.Combine(_workingDirectory, "install-linux.sh")) && new FileInfo(Path.Combine(_workingDirectory, "install-linux.sh")).Length > 0,
            "curl saved an installer from a server that failed the pin");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
        var token = (await cp.JsonAsync("tokens", "list", "--tenant", "acme"))["items"]!.AsArray().Single(t => t!.Str("id") == tokenId)!;
        Assert.Equal(0, token.Long("usedCount"));
        Assert.Empty((await cp.JsonAsync("registrations", "list"))["items"]!.AsArray());
        Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_prefix, recursive: true);
        Directory.Delete(_workingDirectory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<ControlPlaneProcess> StartServingDownloadsAsync()
    {
        var cp = await ControlPlaneProcess.StartAsync(10, tls: true, ["--downloads-dir", package.DownloadsDirectory]);
        await cp.JsonAsync("tenants", "create", "acme");
        return cp;
    }

    /// <summary>The "Install on Linux:" line of <c>secplat tokens create</c>'s real (table) output, and the token's id.</summary>
    private static async Task<(string Line, string TokenId)> PrintedLinuxOneLinerAsync(ControlPlaneProcess cp)
    {
        var created = await cp.CliAsync("tokens", "create", "--tenant", "acme", "--max-uses", "1");
        Assert.True(created.ExitCode == 0, created.ToString());
        var lines = created.StdOut.ReplaceLineEndings("\n").Split('\n');
        var line = lines[Array.IndexOf(lines, "Install on Linux:") + 1].Trim();
        Assert.Contains($"--pinnedpubkey '{cp.Pin}'", line);
        Assert.Contains($"'{cp.BaseUrl}/downloads/install-linux.sh'", line);
        Assert.Contains("&& sudo sh ./install-linux.sh ", line);
        var tokenId = (await cp.JsonAsync("tokens", "list", "--tenant", "acme"))["items"]!.AsArray().Single()!.Str("id");
        return (line, tokenId);
    }

    private Task<ProcessResult> RunPastedAsync(string line)
    {
        var asRoot = line.Replace("&& sudo sh ", "&& sh ", StringComparison.Ordinal) + $" --prefix '{_prefix}'";
        return ToolProcess.RunAsync("sh", ["-c", asRoot], workingDirectory: _workingDirectory);
    }
}
