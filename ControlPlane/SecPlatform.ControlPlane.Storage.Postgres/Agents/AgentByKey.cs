using Npgsql;
using NpgsqlTypes;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Agents;

/// <summary>
/// The authentication of every agent call: the key, its live agent and the lease in one statement, sent raw with its
/// row-level security context in the same round trip (an implicit transaction) and read by ordinal: no EF query
/// compilation or materialization on the hottest path. Nothing is cached: every call reads the current key (expiry),
/// agent (revoked, deregistered) and lease, so a change is seen by the next call on every replica.
/// </summary>
internal static class AgentByKey
{
    private const string Lookup = $"""
        SELECT k.agent_id, k.secret_hash, k.created_at, k.expires_at,
            l.tenant_id, l.holder_identity, l.held, l.lease_duration_seconds, l.acquire_time, l.renew_time, l.expires_at, l.lease_transitions,
            {AgentRows.Columns}
        FROM agent_keys AS k
        JOIN agents AS a ON a.id = k.agent_id
        JOIN agent_leases AS l ON l.agent_id = a.id
        WHERE k.id = $1 AND a.deregistered_at IS NULL
        """;

    public static async Task<AgentKeyLookup?> FindAsync(NpgsqlDataSource dataSource, RowSecurity rls, string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                rls.Command(),
                new NpgsqlBatchCommand(Lookup) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Text, Value = keyId } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var key = new AgentKeyEntity
        {
            Id = keyId,
            AgentId = reader.GetString(0),
            SecretHash = reader.GetString(1),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
            ExpiresAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
        };
        var lease = new AgentLeaseEntity
        {
            AgentId = key.AgentId,
            TenantId = reader.IsDBNull(4) ? null : reader.GetString(4),
            HolderIdentity = reader.IsDBNull(5) ? null : reader.GetString(5),
            Held = reader.GetBoolean(6),
            LeaseDurationSeconds = reader.GetInt32(7),
            AcquireTime = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            RenewTime = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            ExpiresAt = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            LeaseTransitions = reader.GetInt64(11),
        };
        var agent = AgentRows.Read(reader, 12);
        return new AgentKeyLookup(ToDomain(key), ToDomain(agent, lease));
    }
}
