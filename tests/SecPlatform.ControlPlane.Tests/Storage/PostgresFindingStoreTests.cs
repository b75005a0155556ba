using System.Security.Cryptography;
using System.Text;
using Npgsql;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// What only the PostgreSQL findings ingest has: a temporary staging table (the service role's TEMPORARY privilege),
/// writes that row-level security will admit, and the database's own constraints.
/// </summary>
public sealed class PostgresFindingStoreTests(PostgresServer server) : IClassFixture<PostgresServer>, IDisposable
{
    private static readonly DateTimeOffset T0 = TestData.Start;
    private readonly PostgresStoreFactory _stores = new(server);

    [Fact]
    public async Task MigrateAsync_DatabaseRevokesTemporaryFromPublic_GrantsItToServiceRole()
    {
        // The test databases revoke everything from PUBLIC, TEMPORARY included, as a hardened deployment would.
        var store = await _stores.CreateAsync();
        var database = _stores.DatabaseOf(store);

        await using var owner = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await using var check = owner.CreateCommand(
            "SELECT has_database_privilege($1, current_database(), 'TEMPORARY'), has_database_privilege('public', current_database(), 'TEMPORARY')");
        check.Parameters.Add(new NpgsqlParameter { Value = database.ServiceRole });
        await using var reader = await check.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((true, false), (reader.GetBoolean(0), reader.GetBoolean(1)));
    }

    [Fact]
    public async Task IngestFindings_RowLevelSecurityOnFindingTables_WritesUnderTheCommandsTenant()
    {
        var store = await _stores.CreateAsync();
        var database = _stores.DatabaseOf(store);
        var run = await NewRunAsync(store);
        var other = await NewRunAsync(store);
        // The policies the tenant-isolation work will add: the service (not the owner) sees and writes only the rows
        // of the tenant its transaction names.
        await ExecuteAsync(database.OwnerConnectionString, """
            ALTER TABLE findings ENABLE ROW LEVEL SECURITY;
            ALTER TABLE finding_observations ENABLE ROW LEVEL SECURITY;
            CREATE POLICY tenant_only ON findings USING (tenant_id = current_setting('app.tenant_id', true));
            CREATE POLICY tenant_only ON finding_observations USING (tenant_id = current_setting('app.tenant_id', true));
            """);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0),
            await store.IngestFindingsAsync(new FindingIngest(run.Ref, [Observed("a"), Observed("b")], T0.AddSeconds(1)), default));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 1),
            await store.IngestFindingsAsync(new FindingIngest(run.Ref, [Observed("a"), Observed("c")], T0.AddSeconds(2)), default));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 0),
            await store.IngestFindingsAsync(new FindingIngest(other.Ref, [Observed("a")], T0.AddSeconds(3)), default));

        await using var owner = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await using var count = owner.CreateCommand(
            "SELECT (SELECT count(*) FROM findings WHERE tenant_id = $1), (SELECT count(*) FROM finding_observations WHERE tenant_id = $1), " +
            "(SELECT count(*) FROM findings WHERE tenant_id = $2)");
        count.Parameters.Add(new NpgsqlParameter { Value = run.TenantId });
        count.Parameters.Add(new NpgsqlParameter { Value = other.TenantId });
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((3L, 3L, 1L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
    }

    [Fact]
    public async Task IngestFindings_NulInText_StoredAsReplacementCharacter()
    {
        var store = await _stores.CreateAsync();
        var run = await NewRunAsync(store);
        var observed = Observed("nul", message: "binary\0output", evidence: "\0");

        var result = await store.IngestFindingsAsync(new FindingIngest(run.Ref, [observed], T0.AddSeconds(1)), default);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 0), result);
        var stored = Assert.Single(await store.ListFindingsAsync(new FindingQuery(run.TenantId), PageRequest.First(), default));
        Assert.Equal(("binary\uFFFDoutput", "\uFFFD"), (stored.Observed.Message, stored.Observed.Evidence));
    }

    [Fact]
    public async Task IngestFindings_WriteFailsInsideTheBatch_NothingWrittenAndThePooledConnectionServesTheNextBatch()
    {
        // The ingest begins and commits its transaction with statements (the commit rides in the write batch): a failure
        // in that batch must roll everything back and leave no open transaction on the pooled connection.
        var store = await _stores.CreateAsync();
        var run = await NewRunAsync(store);
        var unknownKind = Observed("bad");
        unknownKind = new ObservedFinding
        {
            Fingerprint = unknownKind.Fingerprint, Scanner = "shellcheck", RuleId = "SC2086", Severity = Severity.Low,
            AssetKind = "no-such-kind", AssetValue = "/srv/app/bad.sh",
        };

        for (var i = 0; i < 3; i++)
        {
            var failed = await Assert.ThrowsAsync<PostgresException>(() =>
                store.IngestFindingsAsync(new FindingIngest(run.Ref, [Observed("a"), unknownKind], T0.AddSeconds(1)), default));
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, failed.SqlState);
        }

        Assert.Empty(await store.ListFindingsAsync(new FindingQuery(run.TenantId), PageRequest.First(), default));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0),
            await store.IngestFindingsAsync(new FindingIngest(run.Ref, [Observed("a"), Observed("b")], T0.AddSeconds(2)), default));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0),
            await store.IngestFindingsAsync(new FindingIngest(run.Ref with { FencingToken = 99 }, [Observed("c")], T0.AddSeconds(3)), default));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 1),
            await store.IngestFindingsAsync(new FindingIngest(run.Ref, [Observed("b"), Observed("c")], T0.AddSeconds(4)), default));
        Assert.Equal(3, (await store.ListFindingsAsync(new FindingQuery(run.TenantId), PageRequest.First(), default)).Count);
    }

    [Fact]
    public async Task Findings_SeverityStoredAsWord_OtherWordsRefusedByCheckConstraint()
    {
        var store = await _stores.CreateAsync();
        var database = _stores.DatabaseOf(store);
        var run = await NewRunAsync(store);
        await store.IngestFindingsAsync(new FindingIngest(run.Ref, [Observed("a", Severity.Critical)], T0.AddSeconds(1)), default);

        await using var owner = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await using (var read = owner.CreateCommand("SELECT severity FROM findings"))
        {
            Assert.Equal("critical", await read.ExecuteScalarAsync());
        }

        await using var write = owner.CreateCommand("UPDATE findings SET severity = 'severe'");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }

    public void Dispose() => _stores.Dispose();

    private sealed record Run(string TenantId, CommandRef Ref);

    /// <summary>A tenant, an agent of it holding its lease, and a command that agent claimed.</summary>
    private static async Task<Run> NewRunAsync(IControlPlaneStore store)
    {
        var tenant = TestData.NewTenant();
        await store.CreateTenantAsync(tenant, default);
        var token = TestData.NewToken(tenant.Id);
        await store.CreateBootstrapTokenAsync(token, default);
        var registration = TestData.NewRegistration(token, T0);
        Assert.True(await store.RegisterAgentAsync(registration, default));
        var agentId = registration.Agent.Id;
        var holder = $"host/{agentId}";
        await store.RenewLeaseAsync(new LeaseRenewRequest(agentId, holder, true, 40, T0), default);
        var command = new Command
        {
            Id = SecretToken.NewId(),
            TenantId = tenant.Id,
            Scanner = "shellcheck",
            Parameters = new() { ["path"] = "/srv/app" },
            RequiredCapabilities = ["shellcheck"],
            MaxAttempts = 3,
            TimeoutSeconds = 600,
            NotBefore = T0,
            ExpiresAt = T0.AddDays(1),
            RequestHash = "hash",
            Status = CommandStatus.Queued,
            AvailableAt = T0,
            SortKey = T0,
            CreatedAt = T0,
            CreatedBy = "admin-test",
        };
        await store.EnqueueCommandAsync(command, default);
        var claimed = Assert.Single(await store.ClaimCommandsAsync(
            new ClaimRequest(agentId, tenant.Id, registration.Agent.Labels, ["shellcheck"], holder, 1, T0), default));
        return new Run(tenant.Id, new CommandRef(claimed.Id, agentId, claimed.FencingToken));
    }

    private static ObservedFinding Observed(string name, Severity severity = Severity.Low, string message = "", string evidence = "") => new()
    {
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))),
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Severity = severity,
        AssetKind = "path",
        AssetValue = $"/srv/app/{name}.sh",
        Message = message,
        Evidence = evidence,
    };

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
