using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using SecPlatform.Contracts.Client;
using SecPlatform.ControlPlane.Api;
using SecPlatform.ControlPlane.Core;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Downloads;
using SecPlatform.ControlPlane.Storage.LiteDb;
using SecPlatform.ControlPlane.Storage.Postgres;
using SecPlatform.ControlPlane.Tls;
using Serilog;
using Serilog.Events;

namespace SecPlatform.ControlPlane.Hosting;

/// <summary>Builds the control-plane web application; used by Program and by tests that host it in-process.</summary>
public static class ControlPlaneApp
{
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--data-dir"] = nameof(ServerOptions.DataDir),
        ["--urls"] = nameof(ServerOptions.Urls),
        ["--grpc-port"] = nameof(ServerOptions.GrpcPort),
        ["--public-url"] = nameof(ServerOptions.PublicUrl),
        ["--downloads-dir"] = nameof(ServerOptions.DownloadsDir),
        ["--tls-cert"] = $"{TlsOptions.Section}:{nameof(TlsOptions.CertificatePath)}",
        ["--tls-key"] = $"{TlsOptions.Section}:{nameof(TlsOptions.KeyPath)}",
        ["--tls-san"] = $"{TlsOptions.Section}:{nameof(TlsOptions.SubjectAlternativeNames)}",
    };

    /// <summary>
    /// Builds the app and runs its start-up checks (schema current, first admin, audit head). The caller
    /// runs it. <paramref name="configureServices"/> lets tests replace services (e.g. the TimeProvider).
    /// </summary>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        var server = builder.Configuration.Get<ServerOptions>() ?? new ServerOptions();
        var dataDir = PrepareDataDirectory(server.DataDir);
        var listen = ListenAddresses.From(server);
        var publicUrl = PublicEndpoint.Validate(server.PublicUrl);
        var certificate = listen.Tls
            ? ServerCertificate.LoadOrCreate(builder.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions(), dataDir,
                [.. listen.Hosts, .. publicUrl is null ? Array.Empty<string>() : [new Uri(publicUrl).Host.Trim('[', ']')]], TimeProvider.System)
            : null;

        builder.Host.UseSerilog((context, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            // Any level enabled here makes ASP.NET Core start an Activity and a logging scope for every request
            // (2-3 % of a LiteDB renewal's thread time in a dotnet-trace); its own lines are request start/finish.
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .ReadFrom.Configuration(context.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture));

        // Kestrel gets explicit endpoints below; clearing the URL setting avoids its "overriding addresses" warning.
        builder.Configuration[WebHostDefaults.ServerUrlsKey] = "";
        var grpcEndpoint = new GrpcEndpoint();
        builder.Services.AddSingleton(grpcEndpoint);
        var publicEndpoint = new PublicEndpoint(listen, publicUrl, certificate?.Pin, grpcEndpoint);
        builder.Services.AddSingleton(publicEndpoint);
        builder.Services.AddSingleton(new DownloadCatalog(Path.GetFullPath(
            string.IsNullOrWhiteSpace(server.DownloadsDir) ? Path.Combine(dataDir, "downloads") : server.DownloadsDir)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Over TLS, ALPN lets the base port speak HTTP/2 too; gRPC keeps its own port all the same (ADR 0001).
            grpcEndpoint.BaseListen = Listen(kestrel, listen, listen.BasePort, certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2, certificate?.Certificate);
            // Cleartext HTTP/2 needs its own port (prior knowledge); the discovery document names it.
            grpcEndpoint.Listen = Listen(kestrel, listen, listen.GrpcPort, HttpProtocols.Http2, certificate?.Certificate);
        });

        builder.Services.AddControlPlaneCore();
        AddStore(builder, dataDir);
        builder.Services.AddSingleton<ErrorMappingInterceptor>();
        builder.Services.AddSingleton<TenantContextInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            // First: the call's tenant context must exist before the error mapping's refusal audit reads it.
            grpc.Interceptors.Add<TenantContextInterceptor>();
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.MaxReceiveMessageSize = 4 * 1024 * 1024;
        }).AddJsonTranscoding();
        builder.Services.AddGrpcHealthChecks().AddCheck("store", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ControlPlaneMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapGrpcService<AgentGatewayApi>();
        app.MapGrpcService<TenantApi>();
        app.MapGrpcService<AdminUserApi>();
        app.MapGrpcService<BootstrapTokenApi>();
        app.MapGrpcService<AgentApi>();
        app.MapGrpcService<AuditApi>();
        app.MapGrpcService<CommandApi>();
        app.MapGrpcService<FindingApi>();
        app.MapGrpcService<AssetApi>();
        app.MapGrpcService<AssetGroupApi>();
        app.MapGrpcService<VulnerabilityApi>();
        app.MapGrpcService<ScanApi>();
        app.MapGrpcHealthChecksService();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet(DiscoveryDocument.Path, (GrpcEndpoint endpoint, PublicEndpoint self) =>
            Results.Json(new DiscoveryDocument(endpoint.Port, listen.BaseUrl.Scheme, ThisAssembly.Version, self.Pin, self.Url)));
        app.MapDownloads();
        app.MapPrometheusScrapingEndpoint("/metrics");
        if (certificate is not null)
        {
            // The pin is public (it is what admins hand to installers); logging it lets them find it again.
            app.Logger.LogInformation("TLS with {Certificate} certificate {CertificatePath}; server pin {ServerPin}",
                certificate.Generated ? "a newly generated self-signed" : "the", certificate.CertificatePath, certificate.Pin);
            var expires = new DateTimeOffset(certificate.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            if (expires < TimeProvider.System.GetUtcNow().AddDays(30))
            {
                // Pinned agents do not check expiry, but browsers, curl without -k and unpinned clients do.
                app.Logger.LogWarning("TLS certificate {CertificatePath} expires {NotAfter:u}: renew it on the same key to keep the pin", certificate.CertificatePath, expires);
            }
        }

        await StartupTasks.RunAsync(app.Services, dataDir, cancellationToken);
        return app;
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, ListenAddresses listen, int port, HttpProtocols protocols, X509Certificate2? certificate)
    {
        ListenOptions? captured = null;
        void Configure(ListenOptions options)
        {
            options.Protocols = protocols;
            if (certificate is not null)
            {
                options.UseHttps(certificate);
            }

            captured = options;
        }

        if (listen.Localhost)
        {
            kestrel.ListenLocalhost(port, Configure);
        }
        else
        {
            kestrel.Listen(listen.Address ?? IPAddress.Loopback, port, Configure);
        }

        return captured!;
    }

    private static string PrepareDataDirectory(string? configured)
    {
        var dataDir = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? DataDirectory.Default : configured);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDir);
        }
        else
        {
            Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return dataDir;
    }

    private static void AddStore(WebApplicationBuilder builder, string dataDir)
    {
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        switch (storage.Provider.ToLowerInvariant())
        {
            case "litedb":
                builder.Services.AddLiteDbStore(storage.LiteDb.Path ?? Path.Combine(dataDir, LiteDbControlPlaneStore.DefaultFileName));
                break;
            case "postgres":
            case "postgresql":
                if (string.IsNullOrWhiteSpace(storage.Postgres.ConnectionString))
                {
                    throw new InvalidOperationException("Storage:Provider is Postgres but Storage:Postgres:ConnectionString is not set");
                }

                builder.Services.AddPostgresStore(storage.Postgres.ConnectionString);
                break;
            default:
                throw new InvalidOperationException($"Storage:Provider must be LiteDb or Postgres, not '{storage.Provider}'");
        }
    }
}
