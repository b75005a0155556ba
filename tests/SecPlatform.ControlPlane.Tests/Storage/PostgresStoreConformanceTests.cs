using Npgsql;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// The conformance suite on a real PostgreSQL: each test gets its own database, migrated by the owner, with the
/// store connected as the non-owner service role, as in production.
/// </summary>
public sealed class PostgresStoreConformanceTests(PostgresServer server) : StoreConformanceTests, IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresStoreFactory _stores = new(server);

    protected override async Task<IControlPlaneStore> CreateStoreAsync() => await _stores.CreateAsync();

    protected override async Task TamperWithAuditAsync(IControlPlaneStore store, AuditTamper tamper)
    {
        // The owner can do what the service role cannot: this is the attacker with raw database access.
        var (sql, expectedRows) = tamper.Kind switch
        {
            AuditTamperKind.EditRow => ("UPDATE admin_audit_logs SET detail = detail || ' (edited)' WHERE sequence = $1", 1),
            AuditTamperKind.DeleteRow => ("DELETE FROM admin_audit_logs WHERE sequence = $1", 1),
            AuditTamperKind.SwapWithNext => ("""
                UPDATE admin_audit_logs AS a
                SET time = b.time, actor_id = b.actor_id, action = b.action, resource_type = b.resource_type,
                    resource_id = b.resource_id, tenant_id = b.tenant_id, outcome = b.outcome, peer_address = b.peer_address,
                    detail = b.detail, previous_hash = b.previous_hash, hash = b.hash
                FROM admin_audit_logs AS b
                WHERE (a.sequence = $1 AND b.sequence = $1 + 1) OR (a.sequence = $1 + 1 AND b.sequence = $1)
                """, 2),
            AuditTamperKind.CutTailFrom => ("DELETE FROM admin_audit_logs WHERE sequence >= $1", 1),
            _ => throw new ArgumentOutOfRangeException(nameof(tamper), tamper.Kind, "unknown tamper kind"),
        };

        await using var dataSource = NpgsqlDataSource.Create(_stores.DatabaseOf(store).OwnerConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = tamper.Sequence });
        var changed = await command.ExecuteNonQueryAsync();
        Assert.True(changed >= expectedRows, $"tampering {tamper} changed {changed} row(s): the rows it targets do not exist");
    }

    public void Dispose() => _stores.Dispose();
}
