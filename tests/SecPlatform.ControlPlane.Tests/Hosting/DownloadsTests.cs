using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Hosting;

/// <summary><c>GET /downloads/...</c> over real loopback HTTP and HTTPS.</summary>
public sealed class DownloadsTests : IAsyncLifetime
{
    private readonly string _downloads = Directory.CreateTempSubdirectory("secplat-downloads-").FullName;
    private readonly byte[] _binary = RandomNumberGenerator.GetBytes(200_000);
    private TestControlPlane _cp = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(Path.Combine(_downloads, "secplat-agent-linux-x64"), _binary);
        await File.WriteAllTextAsync(Path.Combine(_downloads, "install-linux.sh"), "#!/bin/sh\necho install\n");
        await File.WriteAllTextAsync(Path.Combine(_downloads, "not served.txt"), "a name with a space");
        Directory.CreateDirectory(Path.Combine(_downloads, "subdir"));
        await File.WriteAllTextAsync(Path.Combine(_downloads, "subdir", "inner"), "inside a directory");
        _cp = await TestControlPlane.StartAsync(extraArgs: ["--downloads-dir", _downloads], tls: true);
        _http = new HttpClient(new SecPlatform.Contracts.Client.PinnedHandler(_cp.Pin).Handler) { BaseAddress = _cp.BaseUrl };
    }

    [Fact]
    public async Task List_NamesSizesAndSha256OfServableFilesOnly()
    {
        var list = await _http.GetFromJsonAsync<JsonObject>("/downloads/");

        var files = list!["files"]!.AsArray().Select(file => file!).ToList();
        Assert.Equal(["install-linux.sh", "secplat-agent-linux-x64"], files.Select(file => file["name"]!.GetValue<string>()));
        var binary = files.Single(file => file["name"]!.GetValue<string>() == "secplat-agent-linux-x64");
        Assert.Equal(_binary.Length, binary["size"]!.GetValue<long>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_binary)), binary["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_File_ServesItsBytesAsOctetStream()
    {
        using var response = await _http.GetAsync("/downloads/secplat-agent-linux-x64");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(_binary, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_File_AnswersLengthWithoutBody()
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/downloads/secplat-agent-linux-x64"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_binary.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Checksums_Sha256sumFormatThatMatchesTheFiles()
    {
        var sums = await _http.GetStringAsync("/downloads/SHA256SUMS");

        var script = await File.ReadAllBytesAsync(Path.Combine(_downloads, "install-linux.sh"));
        var expected = $"{Convert.ToHexStringLower(SHA256.HashData(script))}  install-linux.sh\n"
            + $"{Convert.ToHexStringLower(SHA256.HashData(_binary))}  secplat-agent-linux-x64\n";
        Assert.Equal(expected, sums);
    }

    [Fact]
    public async Task Checksums_FileReplacedWhileServing_NewChecksum()
    {
        var before = await _http.GetStringAsync("/downloads/SHA256SUMS");
        var replacement = RandomNumberGenerator.GetBytes(1000);
        var path = Path.Combine(_downloads, "secplat-agent-linux-x64");
        await File.WriteAllBytesAsync(path, replacement);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));

        var after = await _http.GetStringAsync("/downloads/SHA256SUMS");

        Assert.NotEqual(before, after);
        Assert.Contains($"{Convert.ToHexStringLower(SHA256.HashData(replacement))}  secplat-agent-linux-x64\n", after);
    }

    [Theory]
    [InlineData("/downloads/..%2F..%2Fcontrolplane.db")]
    [InlineData("/downloads/%2e%2e")]
    [InlineData("/downloads/..")]
    [InlineData("/downloads/subdir/inner")]
    [InlineData("/downloads/subdir")]
    [InlineData("/downloads/not%20served.txt")]
    [InlineData("/downloads/missing")]
    [InlineData("/downloads/..%5Ccontrolplane.db")]
    public async Task Get_TraversalOrUnsafeOrMissingName_NotFound(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cp.DisposeAsync();
        Directory.Delete(_downloads, recursive: true);
    }
}
