using Npgsql;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Audit;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>What only PostgreSQL has: roles and grants, migrations, and several replicas on one database.</summary>
public sealed class PostgresStoreTests(PostgresServer server) : IClassFixture<PostgresServer>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly List<PostgresControlPlaneStore> _stores = [];

    [Theory]
    [InlineData("UPDATE admin_audit_logs SET detail = 'rewritten'")]
    [InlineData("DELETE FROM admin_audit_logs")]
    [InlineData("TRUNCATE admin_audit_logs")]
    public async Task AuditRows_ChangedByServiceRole_PermissionDenied(string statement)
    {
        var database = await MigratedDatabaseAsync();
        var store = Connect(database.ServiceConnectionString);
        var appended = await store.AppendAuditAsync(NewAuditEntry("tenant.create"), CancellationToken.None);

        await using var service = NpgsqlDataSource.Create(database.ServiceConnectionString);
        await using var command = service.CreateCommand(statement);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        var events = await store.ListAuditAsync(0, 10, null, CancellationToken.None);
        Assert.Equal(appended.Hash, Assert.Single(events).Hash);
    }

    [Fact]
    public async Task AppendAuditAsync_AsServiceRole_InsertsAndAdvancesHead()
    {
        var database = await MigratedDatabaseAsync();
        var store = Connect(database.ServiceConnectionString);

        var first = await store.AppendAuditAsync(NewAuditEntry("tenant.create"), CancellationToken.None);
        var second = await store.AppendAuditAsync(NewAuditEntry("token.create"), CancellationToken.None);

        Assert.Equal(new AuditHead(2, second.Hash), await store.GetAuditHeadAsync(CancellationToken.None));
        Assert.Equal(first.Hash, second.PreviousHash);
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_IsIdempotent()
    {
        var database = await server.CreateDatabaseAsync();
        var migrator = new PostgresMigrator();

        await migrator.MigrateAsync(database.OwnerConnectionString, database.ServiceRole, CancellationToken.None);
        await migrator.MigrateAsync(database.OwnerConnectionString, database.ServiceRole, CancellationToken.None);

        Assert.Empty(await migrator.GetPendingMigrationsAsync(database.ServiceConnectionString, CancellationToken.None));
        var store = Connect(database.ServiceConnectionString);
        await store.EnsureSchemaCurrentAsync(CancellationToken.None);
        Assert.Equal(AuditHead.Empty, await store.GetAuditHeadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetPendingMigrationsAsync_FreshDatabase_ListsEveryMigration()
    {
        var database = await server.CreateDatabaseAsync();

        var pending = await new PostgresMigrator().GetPendingMigrationsAsync(database.OwnerConnectionString, CancellationToken.None);

        Assert.NotEmpty(pending);
    }

    [Fact]
    public async Task EnsureSchemaCurrentAsync_UnmigratedDatabase_ThrowsActionableMessage()
    {
        var database = await server.CreateDatabaseAsync();
        var store = Connect(database.ServiceConnectionString);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnsureSchemaCurrentAsync(CancellationToken.None));

        Assert.Contains("the database schema is not up to date", refused.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet SecPlatform.ControlPlane.dll migrate", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_ServiceRoleIsTheOwner_Refuses()
    {
        var database = await server.CreateDatabaseAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new PostgresMigrator().MigrateAsync(database.OwnerConnectionString, database.OwnerRole, CancellationToken.None));

        Assert.Contains("does not own the tables", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAgentAsync_FiftyConcurrentOnOneUseToken_ExactlyOneSucceeds()
    {
        var database = await MigratedDatabaseAsync();
        var store = Connect(database.ServiceConnectionString);

        for (var round = 0; round < 20; round++)
        {
            var token = NewToken(maxUses: 1);
            await store.CreateBootstrapTokenAsync(token, CancellationToken.None);

            var results = await Task.WhenAll(Enumerable.Range(0, 50)
                .Select(_ => Task.Run(() => store.RegisterAgentAsync(NewRegistration(token), CancellationToken.None))));

            Assert.Equal(1, results.Count(r => r));
            Assert.Equal(1, (await store.GetBootstrapTokenAsync(token.Id, CancellationToken.None))!.UsedCount);
        }

        var agents = await store.ListAgentsAsync(null, PageRequest.First(PageRequest.MaxLimit), CancellationToken.None);
        Assert.Equal(20, agents.Count);
        Assert.Equal(20, agents.Select(a => a.Agent.BootstrapTokenId).Distinct().Count());
    }

    [Fact]
    public async Task ExpireLeasesAsync_TwoReplicasAtOnce_EachLeaseEndedOnce()
    {
        var database = await MigratedDatabaseAsync();
        var replicaA = Connect(database.ServiceConnectionString);
        var replicaB = Connect(database.ServiceConnectionString);
        var token = NewToken(maxUses: 30);
        await replicaA.CreateBootstrapTokenAsync(token, CancellationToken.None);
        for (var i = 0; i < 30; i++)
        {
            var registration = NewRegistration(token);
            Assert.True(await replicaA.RegisterAgentAsync(registration, CancellationToken.None));
            var renewal = await replicaA.RenewLeaseAsync(
                new LeaseRenewRequest(registration.Agent.Id, $"host:{i}:nonce", Acquire: true, LeaseDurationSeconds: 40, Now), CancellationToken.None);
            Assert.Equal(LeaseRenewOutcome.Acquired, renewal.Outcome);
        }

        var later = Now.AddMinutes(5);
        var expired = await Task.WhenAll(
            Task.Run(() => replicaA.ExpireLeasesAsync(later, CancellationToken.None)),
            Task.Run(() => replicaB.ExpireLeasesAsync(later, CancellationToken.None)));

        var all = expired.SelectMany(ids => ids).ToList();
        Assert.Equal(30, all.Count);
        Assert.Equal(30, all.Distinct().Count());
    }

    [Fact]
    public async Task AppendAuditAsync_TwoReplicasConcurrently_ChainDoesNotFork()
    {
        var database = await MigratedDatabaseAsync();
        var replicas = new[] { Connect(database.ServiceConnectionString), Connect(database.ServiceConnectionString) };

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Task.Run(() => replicas[i % 2].AppendAuditAsync(NewAuditEntry($"action.{i}"), CancellationToken.None))));

        var head = await replicas[0].GetAuditHeadAsync(CancellationToken.None);
        var events = await replicas[1].ListAuditAsync(0, 1000, null, CancellationToken.None);
        var verification = await AuditChain.VerifyAsync(events.ToAsyncEnumerable(), head, CancellationToken.None);
        Assert.True(verification.Ok, verification.Problem);
        Assert.Equal(60, verification.Count);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }

    private async Task<PostgresDatabase> MigratedDatabaseAsync()
    {
        var database = await server.CreateDatabaseAsync();
        await new PostgresMigrator().MigrateAsync(database.OwnerConnectionString, database.ServiceRole, CancellationToken.None);
        return database;
    }

    private PostgresControlPlaneStore Connect(string connectionString)
    {
        var store = new PostgresControlPlaneStore(connectionString, TenantContext.Platform);
        _stores.Add(store);
        return store;
    }

    private static AuditEntry NewAuditEntry(string action) =>
        new(Now, "admin-test", action, "tenant", SecretToken.NewId(), null, "succeeded", "127.0.0.1", "detail");

    private static BootstrapToken NewToken(int maxUses) => new()
    {
        Id = SecretToken.NewId(),
        SecretHash = SecretHash.Sha256Hex(SecretToken.Create(SecretKind.BootstrapToken).Secret),
        CreatedAt = Now,
        ExpiresAt = Now.AddHours(1),
        MaxUses = maxUses,
        CreatedBy = "admin-test",
    };

    private static NewAgentRegistration NewRegistration(BootstrapToken token)
    {
        var agentId = SecretToken.NewId();
        var agent = new Agent { Id = agentId, Name = $"agent-{agentId}", RegisteredAt = Now, BootstrapTokenId = token.Id, TenantId = token.TenantId };
        var key = new AgentKey { Id = SecretToken.NewId(), AgentId = agentId, SecretHash = SecretHash.Sha256Hex(SecretToken.NewId()), CreatedAt = Now };
        var lease = new Lease { AgentId = agentId, LeaseDurationSeconds = 40 };
        var attempt = new RegistrationAttempt
        {
            Id = SecretToken.NewId(),
            TokenId = token.Id,
            PeerAddress = "127.0.0.1",
            Succeeded = true,
            AgentId = agentId,
            TenantId = token.TenantId,
            Time = Now,
        };
        return new NewAgentRegistration(agent, key, lease, attempt, Now);
    }
}
