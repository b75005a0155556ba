using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;
using AgentFinding = SecPlatform.Contracts.Agent.V1.Finding;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Row-level security, the second wall: raw SQL as the service role, with no tenant filter in the query, sees no
/// tenant's rows without a context, only tenant A's with <c>app.tenant_id</c> = A, and every row (those of no tenant
/// too) only in the explicit platform context. The data is written through the real API first.
/// </summary>
public sealed class PostgresRowLevelSecurityTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    // Every tenant-owned table, and whether it also holds rows of no tenant (platform tokens, agents, refusals, audit).
    public static readonly TheoryData<string, bool> Tables = new()
    {
        { "platform_agent_bootstrap_tokens", true },
        { "platform_agent_registrations", true },
        { "agents", true },
        { "agent_keys", true },
        { "agent_leases", true },
        { "commands", false },
        { "findings", false },
        { "finding_observations", false },
        { "finding_status_history", false },
        { "assets", false },
        { "asset_groups", false },
        { "asset_group_members", false },
        { "finding_vulnerabilities", false },
        { "scan_profiles", false },
        { "scan_counts", false },
        { "asset_components", false },
        { "admin_audit_logs", true },
    };

    [Fact]
    public async Task RawSelect_AsServiceRole_NoContextNothingTenantOnlyItsOwnPlatformEverything()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        string a, b;
        await using (var cp = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database)))
        {
            a = await PopulateTenantAsync(cp);
            b = await PopulateTenantAsync(cp);
            await PopulatePlatformAsync(cp);
        }

        Assert.False(await ScalarAsync<bool>(database.ServiceConnectionString,
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        foreach (var (table, hasPlatformRows) in Tables.Select(row => ((string)row[0], (bool)row[1])))
        {
            var all = await TenantsOfRowsAsync(database.OwnerConnectionString, table, null);
            Assert.True(all.Contains(a) && all.Contains(b), $"{table}: the owner sees rows of both tenants");
            Assert.True(!hasPlatformRows || all.Contains(null), $"{table}: the owner sees rows of no tenant");

            Assert.True((await TenantsOfRowsAsync(database.ServiceConnectionString, table, null)).Count == 0,
                $"{table}: no context, yet rows were visible");
            var ofA = await TenantsOfRowsAsync(database.ServiceConnectionString, table, TenantContext.Of(a));
            Assert.True(ofA.Count > 0 && ofA.All(t => t == a), $"{table}: tenant A's context saw [{string.Join(", ", ofA)}]");
            Assert.Equal(all.Count(t => t == a), ofA.Count);
            var platform = await TenantsOfRowsAsync(database.ServiceConnectionString, table, TenantContext.Platform);
            Assert.Equal(all.Order(StringComparer.Ordinal), platform.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task RawWrite_AsServiceRoleInTenantContext_OtherTenantsRowsUntouchableAndNotMovable()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        string a, b;
        await using (var cp = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database)))
        {
            a = await PopulateTenantAsync(cp);
            b = await PopulateTenantAsync(cp);
        }

        await using var connection = new NpgsqlConnection(database.ServiceConnectionString);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await SetContextAsync(connection, transaction, TenantContext.Of(a));
            Assert.Equal(0, await ExecuteAsync(connection, transaction, "UPDATE findings SET title = 'x' WHERE tenant_id = $1", b));
            Assert.Equal(0, await ExecuteAsync(connection, transaction, "DELETE FROM assets WHERE tenant_id = $1", b));
            foreach (var table in (string[])["finding_vulnerabilities", "asset_group_members", "asset_groups"])
            {
                Assert.Equal(0, await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE tenant_id = $1", b));
            }

            Assert.Equal(0, await ExecuteAsync(connection, transaction, "UPDATE assets SET labels = '{\"owned\": \"by-a\"}' WHERE tenant_id = $1", b));
            Assert.Equal(0, await ExecuteAsync(connection, transaction, "UPDATE commands SET priority = 100"
                + " WHERE tenant_id <> $1", a));
            // Moving one of A's rows to B is refused: the new row must pass the policy too.
            var moved = await Assert.ThrowsAsync<PostgresException>(() =>
                ExecuteAsync(connection, transaction, "UPDATE commands SET tenant_id = $1", b));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, moved.SqlState);
        }

        var unchanged = await TenantsOfRowsAsync(database.OwnerConnectionString, "assets", null);
        Assert.Contains(b, unchanged);
    }

    [Fact]
    public async Task Store_TenantContext_OtherTenantsRowsAreNotThereAndNoContextSeesNothing()
    {
        await using var cp = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(await PostgresControlPlanes.CreateMigratedDatabaseAsync(server)));
        var a = await PopulateTenantAsync(cp);
        var b = await PopulateTenantAsync(cp);
        var store = cp.Services.GetRequiredService<IControlPlaneStore>();
        var commandOfB = (await cp.Commands().ListCommandsAsync(new ListCommandsRequest { Tenant = b })).Items[0].Id;
        var findingOfB = (await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = b })).Items[0];

        using (TenantContext.Enter(TenantContext.Of(a)))
        {
            Assert.Null(await store.GetCommandAsync(commandOfB, CancellationToken.None));
            Assert.Null(await store.GetFindingAsync(findingOfB.Id, CancellationToken.None));
            Assert.Null(await store.GetAssetAsync(findingOfB.AssetId, CancellationToken.None));
            Assert.Null(await store.CancelCommandAsync(commandOfB, cp.Time.GetUtcNow(), CancellationToken.None));
            Assert.Empty(await store.ListFindingsAsync(new FindingQuery { TenantId = b }, new PageRequest(100, null), CancellationToken.None));
            Assert.Empty(await store.ListTenantVulnerabilitiesAsync(b, new PageRequest(100, null), CancellationToken.None));
            Assert.Null(await store.GetTenantVulnerabilityAsync(b, "CVE-2021-44228", 100, CancellationToken.None));
            Assert.Null(await store.FindAssetGroupByNameAsync(b, "servers", CancellationToken.None));
            Assert.Empty(await store.ListAssetGroupsAsync(b, new PageRequest(100, null), CancellationToken.None));
        }

        using (TenantContext.Enter(null))
        {
            Assert.Null(await store.GetCommandAsync(commandOfB, CancellationToken.None));
        }

        using (TenantContext.Enter(TenantContext.Platform))
        {
            Assert.NotNull(await store.GetFindingAsync(findingOfB.Id, CancellationToken.None));
            Assert.NotNull(await store.GetTenantVulnerabilityAsync(b, "CVE-2021-44228", 100, CancellationToken.None));
        }
    }

    /// <summary>
    /// A tenant with a token, an agent (key, lease, registration), a run that reported one finding (asset, observation),
    /// and a triaged finding (history); the admin calls leave audit events. Returns the tenant id.
    /// </summary>
    private static async Task<string> PopulateTenantAsync(TestControlPlane cp)
    {
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        var enqueue = new EnqueueCommandRequest { Tenant = tenant.Name, Scanner = "shellcheck" };
        enqueue.Parameters["path"] = "/srv/app";
        await cp.Commands().EnqueueCommandAsync(enqueue);
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        using (var stream = gateway.StreamFindings())
        {
            var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
            batch.Components.Add(new Contracts.Agent.V1.Component
            {
                Name = "left-pad", Version = "1.3.0", Purl = "pkg:npm/left-pad@1.3.0", Type = "library", AssetKind = "path", AssetValue = "agent-1.example.test:/srv/app",
            });
            batch.Findings.Add(new AgentFinding
            {
                Fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant.Id))),
                Scanner = "shellcheck",
                RuleId = "SC2086",
                Title = "t",
                Message = "names CVE-2021-44228",
                Severity = Contracts.Agent.V1.Severity.Low,
                AssetKind = "path",
                AssetValue = "agent-1.example.test:/srv/app/a.sh",
                Host = "agent-1.example.test",
                File = "/srv/app/a.sh",
                Line = 1,
            });
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(stream.ResponseStream.Current.Accepted);
            await stream.RequestStream.CompleteAsync();
        }

        await gateway.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = assigned.FencingToken, Outcome = CommandOutcome.Succeeded, FindingCount = 1,
        });
        var finding = Assert.Single((await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant.Name })).Items);
        var profile = new CreateScanProfileRequest { Tenant = tenant.Name, Name = "nightly", Scanner = "shellcheck" };
        profile.Parameters["path"] = "/srv/app";
        await cp.Scans().CreateScanProfileAsync(profile);
        await cp.Findings().SetFindingStatusAsync(new SetFindingStatusRequest { Id = finding.Id, Status = "accepted_risk", Reason = "test" });
        var group = await cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenant.Name, Name = "servers" });
        await cp.AssetGroups().AddAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = group.Id, AssetId = finding.AssetId });
        return tenant.Id;
    }

    /// <summary>Rows of no tenant: a platform token and agent, a refused registration, a platform-level audit event.</summary>
    private static async Task PopulatePlatformAsync(TestControlPlane cp)
    {
        var token = await cp.Tokens().CreateBootstrapTokenAsync(new CreateBootstrapTokenRequest { Platform = true });
        var agent = await cp.Gateway().RegisterAsync(ApiTestData.Registration(token.Secret, "platform"));
        await cp.Gateway(agent.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "p", Acquire = true });
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Gateway().RegisterAsync(ApiTestData.Registration(token.Secret[..^4] + "xxxx", "intruder")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    /// <summary>The tenant_id of every row a raw <c>SELECT *</c> returns, in the given context (null: none set).</summary>
    private static async Task<List<string?>> TenantsOfRowsAsync(string connectionString, string table, TenantContext? context)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await SetContextAsync(connection, transaction, context);
        await using var command = new NpgsqlCommand($"SELECT * FROM {table}", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var column = reader.GetOrdinal("tenant_id");
        var tenants = new List<string?>();
        while (await reader.ReadAsync())
        {
            tenants.Add(reader.IsDBNull(column) ? null : reader.GetString(column));
        }

        return tenants;
    }

    private static async Task SetContextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TenantContext? context)
    {
        if (context is null)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            "SELECT set_config('app.tenant_id', $1, true), set_config('app.platform', $2, true)", connection, transaction)
        {
            Parameters = { new() { Value = context.TenantId ?? "" }, new() { Value = context.IsPlatform ? "on" : "off" } },
        };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string parameter)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { Parameters = { new() { Value = parameter } } };
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
