using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Client;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Hosting;

namespace SecPlatform.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real control-plane app hosted in the test process on loopback ports (real sockets, real gRPC),
/// with a fake clock, on a fresh store (its own data directory, or its own PostgreSQL database).
/// With <c>tls: true</c> it serves https with the certificate it generates in its data directory, and the test
/// clients pin its key (<see cref="Pin"/>), as agents do.
/// </summary>
public sealed class TestControlPlane : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;
    private readonly List<IDisposable> _disposables = [];

    private TestControlPlane(WebApplication app, string dataDir, FakeTimeProvider time, string adminKey, bool tls)
    {
        _app = app;
        _dataDir = dataDir;
        Time = time;
        AdminKey = adminKey;
        var endpoint = app.Services.GetRequiredService<GrpcEndpoint>();
        var scheme = tls ? "https" : "http";
        BaseUrl = new Uri($"{scheme}://127.0.0.1:{endpoint.BasePort}/");
        GrpcUrl = new Uri($"{scheme}://127.0.0.1:{endpoint.Port}/");
        Pin = app.Services.GetRequiredService<PublicEndpoint>().Pin;
    }

    /// <summary>Starts on a fresh store. <paramref name="storeArgs"/> select it (none: LiteDB in a fresh data directory).</summary>
    /// <param name="adminKey">For a second replica on a shared database: the first replica's admin key (no first-start key file is written).</param>
    /// <param name="tls">Serve https with the generated self-signed certificate.</param>
    public static async Task<TestControlPlane> StartAsync(IEnumerable<string>? storeArgs = null, IEnumerable<string>? extraArgs = null, string? adminKey = null,
        bool tls = false)
    {
        var dataDir = Directory.CreateTempSubdirectory("secplat-cp-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        string[] args =
        [
            "--data-dir", dataDir,
            "--urls", tls ? "https://127.0.0.1:0" : "http://127.0.0.1:0",
            // Fast bcrypt keeps tests quick; the production default is 11.
            "--Security:BcryptWorkFactor", "4",
            "--Leases:DurationSeconds", "4",
            // Tests drive reaper passes by hand on the fake clock; an interval of 10 s puts the outage gap at 30 s.
            "--Leases:ReaperEnabled", "false",
            "--Leases:ReaperIntervalSeconds", "10",
            "--Serilog:MinimumLevel:Default", "Warning",
            .. storeArgs ?? [],
            .. extraArgs ?? [],
        ];
        var app = await ControlPlaneApp.CreateAsync(args, services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(time);
        });
        await app.StartAsync();
        adminKey ??= (await File.ReadAllTextAsync(Path.Combine(dataDir, DataDirectory.InitialAdminKeyFileName))).Trim();
        return new TestControlPlane(app, dataDir, time, adminKey, tls);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The first-start super admin's key.</summary>
    public string AdminKey { get; }

    public Uri BaseUrl { get; }

    public Uri GrpcUrl { get; }

    /// <summary>The pin of the server's key when it serves TLS.</summary>
    public string? Pin { get; }

    public string DataDir => _dataDir;

    public IServiceProvider Services => _app.Services;

    public LeaseReaper Reaper => _app.Services.GetRequiredService<LeaseReaper>();

    /// <summary>A call invoker with an optional bearer key; <paramref name="sourceAddress"/> binds the client socket (e.g. 127.0.0.2).</summary>
    public CallInvoker Invoker(string? bearer, IPAddress? sourceAddress = null)
    {
        var handler = Pin is null ? new SocketsHttpHandler() : new PinnedHandler(Pin).Handler;
        if (sourceAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(sourceAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        var channel = GrpcChannel.ForAddress(GrpcUrl, new GrpcChannelOptions { HttpHandler = handler });
        _disposables.Add(channel);
        var invoker = channel.CreateCallInvoker();
        return bearer is null ? invoker : Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(invoker, m =>
        {
            m.Add("authorization", $"Bearer {bearer}");
            return m;
        });
    }

    public TenantService.TenantServiceClient Tenants(string? key = null) => new(Invoker(key ?? AdminKey));

    public AdminUserService.AdminUserServiceClient Admins(string? key = null) => new(Invoker(key ?? AdminKey));

    public BootstrapTokenService.BootstrapTokenServiceClient Tokens(string? key = null) => new(Invoker(key ?? AdminKey));

    public AgentService.AgentServiceClient Agents(string? key = null) => new(Invoker(key ?? AdminKey));

    public AuditService.AuditServiceClient Audit(string? key = null) => new(Invoker(key ?? AdminKey));

    public CommandService.CommandServiceClient Commands(string? key = null) => new(Invoker(key ?? AdminKey));

    public Contracts.Admin.V1.FindingService.FindingServiceClient Findings(string? key = null) => new(Invoker(key ?? AdminKey));

    public Contracts.Admin.V1.AssetService.AssetServiceClient Assets(string? key = null) => new(Invoker(key ?? AdminKey));

    public Contracts.Admin.V1.AssetGroupService.AssetGroupServiceClient AssetGroups(string? key = null) => new(Invoker(key ?? AdminKey));

    public Contracts.Admin.V1.VulnerabilityService.VulnerabilityServiceClient Vulnerabilities(string? key = null) => new(Invoker(key ?? AdminKey));

    public Contracts.Admin.V1.ScanService.ScanServiceClient Scans(string? key = null) => new(Invoker(key ?? AdminKey));

    public AgentGateway.AgentGatewayClient Gateway(string? agentKey = null, IPAddress? sourceAddress = null) => new(Invoker(agentKey, sourceAddress));

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
