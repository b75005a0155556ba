using Npgsql;
using NpgsqlTypes;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Agents;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using SecPlatform.ControlPlane.Storage.Postgres.Queue;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Leases;

/// <summary>
/// The common renewal, the holder renewing the lease it holds, as one statement with its row-level security context
/// in the same round trip (an implicit transaction): what a fleet sends every 10 s per agent. It changes the lease
/// only where the locking read-modify-write of the store would have answered <see cref="LeaseRenewOutcome.Renewed"/>
/// with the same values, and only when the agent's version and capabilities would not change; anything else
/// (acquire, take-over, a new version, a deregistered agent) matches no row and goes the locking way.
/// The UPDATE locks the lease row only (the agent row is read), so the store's lock order holds.
/// </summary>
internal static class HeldLeaseRenewal
{
    private const string RenewHeld = $"""
        UPDATE agent_leases AS l
        SET renew_time = $3, lease_duration_seconds = $4, expires_at = $5
        FROM agents AS a
        WHERE l.agent_id = $1 AND l.held AND l.holder_identity = $2
          AND a.id = l.agent_id AND a.deregistered_at IS NULL
          AND ($6::text IS NULL OR a.version = $6) AND ($7::jsonb IS NULL OR a.capabilities = $7::jsonb)
        RETURNING l.tenant_id, l.holder_identity, l.acquire_time, l.lease_transitions, {AgentRows.Columns}
        """;

    // The same renewal with the caller's authentication (TryWithKeyAsync, docs/adr/0003): $1 is the key's id, $8 the
    // presented secret's hash, $9 the time of the expiry check; the checks are AgentAuthenticator's, and a revoked
    // agent is left to the usual way (which answers it Revoked without renewing).
    private const string RenewHeldWithKey = $"""
        UPDATE agent_leases AS l
        SET renew_time = $3, lease_duration_seconds = $4, expires_at = $5
        FROM agent_keys AS k
        JOIN agents AS a ON a.id = k.agent_id
        WHERE k.id = $1 AND k.secret_hash = $8 AND (k.expires_at IS NULL OR k.expires_at > $9)
          AND a.revoked_at IS NULL AND a.deregistered_at IS NULL
          AND l.agent_id = k.agent_id AND l.held AND l.holder_identity = $2
          AND ($6::text IS NULL OR a.version = $6) AND ($7::jsonb IS NULL OR a.capabilities = $7::jsonb)
        RETURNING l.tenant_id, l.holder_identity, l.acquire_time, l.lease_transitions, {AgentRows.Columns}
        """;

    /// <summary>The renewal (with the stop requests when asked for), or null when this is not the holder's plain renewal.</summary>
    public static async Task<LeaseRenewal?> TryAsync(
        NpgsqlDataSource dataSource, RowSecurity rls, LeaseRenewRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { rls.Command(), Renewal(RenewHeld, request.AgentId, request) },
        };
        if (request.StopRequestsFinishedAfter is { } finishedAfter)
        {
            batch.BatchCommands.Add(StopRequests(PostgresCommandQueue.StopRequests, request.AgentId, finishedAfter));
        }

        return await ReadAsync(batch, 1, request, cancellationToken);
    }

    /// <summary>
    /// <see cref="TryAsync"/> with the caller's authentication in the same statement, in one round trip: the platform
    /// context to read the key, the key's agent's context (<see cref="PostgresCommandQueue.KeyContext"/>), then
    /// <see cref="RenewHeldWithKey"/> and the stop requests of the key's agent. The request's agent id is not used.
    /// </summary>
    public static async Task<LeaseRenewal?> TryWithKeyAsync(
        NpgsqlDataSource dataSource, AgentKeyProof key, LeaseRenewRequest request, CancellationToken cancellationToken)
    {
        if (request.Acquire)
        {
            return null;
        }

        var renew = Renewal(RenewHeldWithKey, key.KeyId, request);
        renew.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = key.SecretHash });
        renew.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = Utc(key.Now) });
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                RowSecurity.Command(("", "on")),
                new NpgsqlBatchCommand(PostgresCommandQueue.KeyContext) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Text, Value = key.KeyId } } },
                renew,
            },
        };
        if (request.StopRequestsFinishedAfter is { } finishedAfter)
        {
            batch.BatchCommands.Add(StopRequests(PostgresCommandQueue.StopRequestsOfKey, key.KeyId, finishedAfter));
        }

        return await ReadAsync(batch, 2, request, cancellationToken);
    }

    private static NpgsqlBatchCommand Renewal(string sql, string agentOrKey, LeaseRenewRequest request)
    {
        var now = Utc(request.Now);
        return new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = agentOrKey },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = request.HolderIdentity },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now },
                new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = request.LeaseDurationSeconds },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now.AddSeconds(request.LeaseDurationSeconds) },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)request.Version ?? DBNull.Value },
                new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = request.Capabilities is null ? DBNull.Value : CapabilitiesJson(request.Capabilities) },
            },
        };
    }

    private static NpgsqlBatchCommand StopRequests(string sql, string agentOrKey, DateTimeOffset finishedAfter) => new(sql)
    {
        Parameters =
        {
            new() { NpgsqlDbType = NpgsqlDbType.Text, Value = agentOrKey },
            new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = Utc(finishedAfter) },
        },
    };

    // Reads the renewal after the context commands (their results skipped), then the stop requests if asked for.
    private static async Task<LeaseRenewal?> ReadAsync(NpgsqlBatch batch, int contextCommands, LeaseRenewRequest request, CancellationToken cancellationToken)
    {
        var now = Utc(request.Now);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < contextCommands; i++)
        {
            await reader.NextResultAsync(cancellationToken);
        }

        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var agent = AgentRows.Read(reader, 4);
        var lease = new AgentLeaseEntity
        {
            AgentId = agent.Id,
            TenantId = reader.IsDBNull(0) ? null : reader.GetString(0),
            HolderIdentity = reader.IsDBNull(1) ? null : reader.GetString(1),
            Held = true,
            LeaseDurationSeconds = request.LeaseDurationSeconds,
            AcquireTime = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            RenewTime = now,
            ExpiresAt = now.AddSeconds(request.LeaseDurationSeconds),
            LeaseTransitions = reader.GetInt64(3),
        };
        List<string>? stopRequests = null;
        if (request.StopRequestsFinishedAfter is not null && await reader.NextResultAsync(cancellationToken))
        {
            stopRequests = [];
            while (await reader.ReadAsync(cancellationToken))
            {
                stopRequests.Add(reader.GetString(0));
            }
        }

        return new LeaseRenewal(LeaseRenewOutcome.Renewed, ToDomain(agent, lease), stopRequests);
    }
}
