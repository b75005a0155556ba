using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecPlatform.Cli.Tests.Support;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>
/// A stand-in control plane on loopback, shaped like the real one: the discovery document on an
/// HTTP/1.1 base URL, gRPC on a second (HTTP/2) port, admin calls authenticated by bearer key.
/// </summary>
public sealed class FakeControlPlane : IAsyncDisposable
{
    public const string AdminId = "abcdefghijkl";
    public static readonly string ApiKey = $"spadm_{AdminId}_{new string('A', 43)}";

    private readonly WebApplication _app;

    private FakeControlPlane(WebApplication app, Uri baseUrl, FakeState state)
    {
        _app = app;
        BaseUrl = baseUrl;
        State = state;
    }

    public Uri BaseUrl { get; }

    public string Server => BaseUrl.ToString().TrimEnd('/');

    public FakeState State { get; }

    /// <param name="grpcReachable">False: the discovery document names a gRPC port nothing listens on.</param>
    public static async Task<FakeControlPlane> StartAsync(bool grpcReachable = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http = null;
        ListenOptions? grpc = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                http = listen;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpc = listen;
            });
        });
        var state = new FakeState();
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc(options => options.Interceptors.Add<FakeAuthInterceptor>());

        var app = builder.Build();
        var closedPort = grpcReachable ? 0 : ClosedPort.Get();
        // Read at request time: Kestrel fills in the real port of a port-0 endpoint when it binds.
        app.MapGet(DiscoveryDocument.Path, () => new DiscoveryDocument(grpcReachable ? grpc!.IPEndPoint!.Port : closedPort, "http", state.Version));
        app.MapGrpcService<FakeTenantService>();
        app.MapGrpcService<FakeBootstrapTokenService>();
        app.MapGrpcService<FakeAgentService>();
        app.MapGrpcService<FakeAdminUserService>();
        app.MapGrpcService<FakeAuditService>();
        app.MapGrpcService<FakeCommandService>();
        app.MapGrpcService<FakeFindingService>();
        app.MapGrpcService<FakeAssetService>();
        app.MapGrpcService<FakeAssetGroupService>();
        app.MapGrpcService<FakeVulnerabilityService>();
        app.MapGrpcService<FakeScanService>();
        await app.StartAsync();
        return new FakeControlPlane(app, new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port}/"), state);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
