using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// install.sh's pinned first contact over https, against a loopback HTTPS server with its own self-signed certificate
/// that records every request: with a wrong pin nothing at all reaches the server (curl drops the handshake), and a
/// download that does not match the server's SHA256SUMS is refused; in both cases the token is never sent and nothing
/// is left under the prefix.
/// </summary>
[Collection(AgentPackageCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class LinuxInstallerPinTests(AgentPackageFixture package) : IAsyncLifetime
{
    private static readonly string InstallScript = Path.Combine(AgentPackageFixture.InstallersDirectory, "linux", "install.sh");
    private static readonly string Token = "spbt_abcdefghijkl_" + new string('B', 43);

    private readonly string _prefix = Directory.CreateTempSubdirectory("secplat-e2e-prefix-").FullName;
    private readonly string _downloads = Directory.CreateTempSubdirectory("secplat-e2e-served-").FullName;

    [Fact]
    public async Task Install_WrongPin_RefusedInTheHandshakeBeforeAnyRequest()
    {
        await using var server = await RecordingHttpsServer.StartAsync(_downloads);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = new CertificateRequest("CN=impostor", otherKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var wrongPin = RecordingHttpsServer.PinOf(other);

        var result = await InstallAsync(server.BaseUrl, wrongPin);

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"install.sh: the server's public key does not match --pin {wrongPin}: this is not your control plane (or the pin is wrong); nothing was sent", error);
        Assert.Empty(server.Requests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
    }

    [Fact]
    public async Task Install_RightPinButBinaryNotMatchingSha256Sums_RefusedWithoutSendingTheToken()
    {
        File.Copy(package.LinuxBinary, Path.Combine(_downloads, "secplat-agent-linux-x64"));
        await File.WriteAllTextAsync(Path.Combine(_downloads, "SHA256SUMS"), new string('0', 64) + "  secplat-agent-linux-x64\n");
        await using var server = await RecordingHttpsServer.StartAsync(_downloads);

        var result = await InstallAsync(server.BaseUrl, server.Pin);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("reachable, key matches the pin", result.StdOut);
        var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("install.sh: secplat-agent-linux-x64 does not match its checksum in SHA256SUMS (download corrupted or tampered with)", error);
        Assert.Equal(["GET /healthz", "GET /downloads/secplat-agent-linux-x64", "GET /downloads/SHA256SUMS"],
            server.Requests.Select(request => request.Split('\n')[0]));
        Assert.DoesNotContain(server.Requests, request => request.Contains(Token[5..17], StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_prefix, recursive: true);
        Directory.Delete(_downloads, recursive: true);
        return Task.CompletedTask;
    }

    private Task<ProcessResult> InstallAsync(string server, string pin) =>
        ToolProcess.RunAsync("sh", [InstallScript, "--server", server, "--pin", pin, "--prefix", _prefix],
            new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = Token });
}
