using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Client;
using SecPlatform.ControlPlane.Hosting;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.ControlPlane.Tls;

namespace SecPlatform.ControlPlane.Tests.Hosting;

/// <summary>The control plane over https with the certificate it generated, and clients pinning its key (real loopback sockets).</summary>
public sealed class TlsControlPlaneTests
{
    private const string WrongPin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    [Fact]
    public async Task Start_HttpsWithoutCertificate_GeneratesOneAndAnnouncesItsPin()
    {
        await using var cp = await TestControlPlane.StartAsync(tls: true);

        var certificate = X509Certificate2.CreateFromPemFile(
            Path.Combine(cp.DataDir, ServerCertificate.DirectoryName, ServerCertificate.CertificateFileName),
            Path.Combine(cp.DataDir, ServerCertificate.DirectoryName, ServerCertificate.KeyFileName));
        Assert.Equal(ServerPin.Of(certificate), cp.Pin);

        using var http = new HttpClient(new PinnedHandler(cp.Pin).Handler);
        var discovery = await http.GetFromJsonAsync<DiscoveryDocument>(new Uri(cp.BaseUrl, DiscoveryDocument.Path));
        Assert.Equal("https", discovery!.GrpcScheme);
        Assert.Equal(cp.Pin, discovery.Pin);
        Assert.Equal(cp.BaseUrl.GetLeftPart(UriPartial.Authority), discovery.PublicUrl);
    }

    [Fact]
    public async Task CreateBootstrapToken_OverTls_AnswersThePinAndThePublicUrl()
    {
        await using var cp = await TestControlPlane.StartAsync(extraArgs: ["--public-url", "https://cp.example.test:8443/"], tls: true);
        var tenant = await cp.CreateTenantAsync();

        var token = await cp.CreateTokenAsync(tenant.Name);

        Assert.Equal(cp.Pin, token.ServerPin);
        Assert.Equal("https://cp.example.test:8443", token.ServerUrl);
    }

    [Fact]
    public async Task Start_WildcardHttpsWithoutPublicUrl_PublicUrlNamesTheHostName()
    {
        // A later --urls wins: listen on every interface, still reached here on loopback.
        await using var cp = await TestControlPlane.StartAsync(extraArgs: ["--urls", "https://0.0.0.0:0"], tls: true);

        var url = cp.Services.GetRequiredService<PublicEndpoint>().Url;

        Assert.Equal($"https://{System.Net.Dns.GetHostName().ToLowerInvariant()}:{cp.BaseUrl.Port}", url);
    }

    [Theory]
    [InlineData("ftp://cp.example.test")]
    [InlineData("https://cp.example.test/path")]
    [InlineData("not a url")]
    public async Task Start_BadPublicUrl_RefusedWithOneLine(string publicUrl)
    {
        var dataDir = Directory.CreateTempSubdirectory("secplat-cp-").FullName;
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                ControlPlaneApp.CreateAsync(["--data-dir", dataDir, "--urls", "https://127.0.0.1:0", "--public-url", publicUrl]));

            Assert.StartsWith("--public-url must be a base URL", e.Message);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task CreateBootstrapToken_PlainLoopbackHttp_AnswersNoPin()
    {
        await using var cp = await TestControlPlane.StartAsync();
        var tenant = await cp.CreateTenantAsync();

        var token = await cp.CreateTokenAsync(tenant.Name);

        Assert.Equal("", token.ServerPin);
        Assert.Equal(cp.BaseUrl.GetLeftPart(UriPartial.Authority), token.ServerUrl);
    }

    [Fact]
    public async Task Connect_RightPin_RegistersOverTls()
    {
        await using var cp = await TestControlPlane.StartAsync(tls: true);
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name);

        using var connection = await ControlPlaneEndpoint.ConnectAsync(cp.BaseUrl, null, CancellationToken.None, pin: token.ServerPin);
        var agent = await new AgentGateway.AgentGatewayClient(connection.Invoker).RegisterAsync(ApiTestData.Registration(token.Secret));

        Assert.NotEmpty(agent.AgentId);
        Assert.Equal(cp.Pin, connection.Discovery.Pin);
    }

    [Fact]
    public async Task Connect_WrongPin_RefusedInTheHandshakeAndTheTokenNeverReachesTheServer()
    {
        await using var cp = await TestControlPlane.StartAsync(tls: true);
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name);

        var e = await Assert.ThrowsAsync<ControlPlaneUntrustedException>(() =>
            ControlPlaneEndpoint.ConnectAsync(cp.BaseUrl, token.Secret, CancellationToken.None, pin: WrongPin));

        Assert.Equal(cp.Pin, e.PresentedPin);
        Assert.Contains("nothing was sent", e.Message);
        var stored = Assert.Single((await cp.Tokens().ListBootstrapTokensAsync(new ListBootstrapTokensRequest())).Items);
        Assert.Equal(0, stored.UsedCount);
        Assert.Empty((await cp.Agents().ListRegistrationsAsync(new ListRegistrationsRequest())).Items);
        Assert.Empty((await cp.Agents().ListAgentsAsync(new ListAgentsRequest())).Items);
    }

    [Fact]
    public async Task Connect_NoPinToSelfSignedServer_FailsTheNormalCaValidation()
    {
        await using var cp = await TestControlPlane.StartAsync(tls: true);

        var e = await Assert.ThrowsAsync<ControlPlaneUnreachableException>(() =>
            ControlPlaneEndpoint.ConnectAsync(cp.BaseUrl, null, CancellationToken.None));

        Assert.Contains("its TLS certificate is not trusted", e.Message);
        Assert.Contains("give the server's pin", e.Message);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://192.0.2.1:0")]
    [InlineData("http://[::]:0")]
    public async Task Start_PlainHttpOnANonLoopbackAddress_Refused(string url)
    {
        var dataDir = Directory.CreateTempSubdirectory("secplat-cp-").FullName;
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ControlPlaneApp.CreateAsync(["--data-dir", dataDir, "--urls", url]));

            Assert.StartsWith("plain http is served on loopback only", e.Message);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1")]
    [InlineData("http://127.0.0.2:8080", "127.0.0.2")]
    [InlineData("http://[::1]:8080", "[::1]")]
    [InlineData("http://localhost:8080", "localhost")]
    [InlineData("https://0.0.0.0:8443", "0.0.0.0")]
    public void ListenAddresses_LoopbackHttpOrAnyHttps_Accepted(string url, string host)
    {
        var listen = ListenAddresses.From(new ServerOptions { Urls = url });

        Assert.Equal(host, listen.BaseUrl.Host);
    }
}
