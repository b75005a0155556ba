using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>
/// A stand-in control plane on loopback, shaped like the real one: the discovery document on an
/// HTTP/1.1 base URL, gRPC on its own HTTP/2 port named in that document.
/// </summary>
public sealed class LoopbackControlPlane : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackControlPlane(WebApplication app, int httpPort, int grpcPort, LoopbackGatewayService service)
    {
        _app = app;
        BaseUrl = new Uri($"http://127.0.0.1:{httpPort}/");
        GrpcPort = grpcPort;
        Service = service;
    }

    public Uri BaseUrl { get; }

    public int GrpcPort { get; }

    public LoopbackGatewayService Service { get; }

    public static async Task<LoopbackControlPlane> StartAsync(int? httpPort = null, LoopbackGatewayService? service = null)
    {
        var http = httpPort ?? FreePort();
        var grpc = FreePort();
        service ??= new LoopbackGatewayService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, http, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, grpc, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGet(DiscoveryDocument.Path, () => new DiscoveryDocument(grpc, "http", "test"));
        app.MapGrpcService<LoopbackGatewayService>();
        await app.StartAsync();
        return new LoopbackControlPlane(app, http, grpc, service);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
