using SecPlatform.Benchmarks.Baselines;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Swarm;
using SecPlatform.ControlPlane.Storage.Postgres;
using SecPlatform.Testing;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// A fresh database (owner + non-owner service role, as the tests make them), migrated, and the real control-plane
/// process serving it as the service role. Every PostgreSQL scenario and its raw baseline use this database.
/// </summary>
internal sealed class PgEnvironment : IAsyncDisposable
{
    private readonly PostgresServer _server;

    private PgEnvironment(PostgresServer server, PgDatabase database, ControlPlaneProcess controlPlane)
    {
        _server = server;
        Database = database;
        ControlPlane = controlPlane;
        Channels = new AgentChannels(controlPlane.GrpcAddress, 4);
        Admin = new AdminClient(AgentChannels.Create(controlPlane.GrpcAddress), controlPlane.AdminKey);
    }

    public PgDatabase Database { get; }

    public ControlPlaneProcess ControlPlane { get; }

    public AgentChannels Channels { get; }

    public AdminClient Admin { get; }

    public string ServerVersion { get; private set; } = "";

    public static async Task<PgEnvironment> StartAsync(string workDir, CancellationToken cancellationToken)
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        var created = await server.CreateDatabaseAsync();
        await new PostgresMigrator().MigrateAsync(created.OwnerConnectionString, created.ServiceRole, cancellationToken);
        var database = new PgDatabase(created);
        var controlPlane = await ControlPlaneProcess.StartAsync(workDir, "cp-postgres",
            ["--Storage:Provider", "Postgres", "--Storage:Postgres:ConnectionString", created.ServiceConnectionString], cancellationToken);
        return new PgEnvironment(server, database, controlPlane)
        {
            ServerVersion = await database.ScalarAsync<string>("SHOW server_version", cancellationToken),
        };
    }

    /// <summary>A new tenant (its own queue, its own findings) and its id.</summary>
    public Task<string> TenantAsync(string purpose, CancellationToken cancellationToken) =>
        Admin.CreateTenantAsync($"{purpose}-{Random.Shared.GetString("abcdefghijklmnopqrstuvwxyz", 6)}", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Channels.Dispose();
        await ControlPlane.DisposeAsync();
        await Database.DisposeAsync();
        await _server.DisposeAsync();
    }
}
