using Npgsql;
using NpgsqlTypes;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Registration;

/// <summary>
/// A registration as one statement: the conditional UPDATE that consumes one use of the token, and the inserts of
/// agent, lease, key and attempt fed by its row, sent with the row-level security context in one round trip and
/// committed by the server right after it (an implicit transaction). So the token's row lock, on which every
/// registration with the same token queues (a fleet roll-out uses one token), is held for the rest of one statement
/// instead of for client round trips. Concurrent callers re-check the condition after the winner commits, so a token
/// with one use left admits exactly one of them; a loser's statement inserts nothing.
/// New columns of these tables need a place here (the conformance suite reads every field back).
/// </summary>
internal static class AgentRegistrationStatement
{
    private const int MaxGroup = 256;

    // Registrations with the same token (a fleet roll-out uses one) are serialized by its row lock, and on a busy
    // machine each hand-over of that lock from one backend to the next, not the statement, is what limits the rate.
    // So they queue in this process instead, and whoever gets the gate sends every registration waiting at that
    // moment in one batch, one implicit transaction (group commit): the token row is locked once per batch. The
    // statements run in order in that transaction, each consuming its own use, so the count stays exact; the row lock
    // still orders batches across replicas. Striped by token id so the gates stay few.
    private static readonly Stripe[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new Stripe())];

    private const string Register = """
        WITH used AS (
            UPDATE platform_agent_bootstrap_tokens AS t SET used_count = t.used_count + 1
            WHERE t.id = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND t.used_count < t.max_uses
            RETURNING t.id
        ), agent AS (
            INSERT INTO agents (id, tenant_id, name, hostname, os, arch, version, labels, capabilities, registered_at,
                bootstrap_token_id, cordoned, draining, revoked_at, deregistered_at)
            SELECT $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, used.id, $13, $14, $15, $16 FROM used
            RETURNING id
        ), lease AS (
            INSERT INTO agent_leases (agent_id, tenant_id, holder_identity, held, lease_duration_seconds, acquire_time, renew_time,
                expires_at, lease_transitions)
            SELECT agent.id, $4, $17, $18, $19, $20, $21, $22, $23 FROM agent
        ), agent_key AS (
            INSERT INTO agent_keys (id, agent_id, tenant_id, secret_hash, created_at, expires_at)
            SELECT $24, agent.id, $4, $25, $26, $27 FROM agent
        ), attempt AS (
            INSERT INTO platform_agent_registrations (id, tenant_id, token_id, peer_address, succeeded, reason, agent_id, time)
            SELECT $28, $29, $30, $31, $32, $33, agent.id, $34 FROM agent
        )
        SELECT count(*) FROM agent
        """;

    /// <summary>True when the token had a use left and everything was written; false: nothing was.</summary>
    public static async Task<bool> RunAsync(NpgsqlDataSource dataSource, RowSecurity rls, NewAgentRegistration registration,
        CancellationToken cancellationToken)
    {
        var agent = ToEntity(registration.Agent);
        var lease = ToEntity(registration.Lease, agent.TenantId);
        var key = ToEntity(registration.Key, agent.TenantId);
        var attempt = ToEntity(registration.Attempt);
        var register = new NpgsqlBatchCommand(Register);
        void Add(NpgsqlDbType type, object? value) => register.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value ?? DBNull.Value });
        Add(NpgsqlDbType.Text, agent.BootstrapTokenId);
        Add(NpgsqlDbType.TimestampTz, Utc(registration.Now));
        Add(NpgsqlDbType.Text, agent.Id);
        Add(NpgsqlDbType.Text, agent.TenantId);
        Add(NpgsqlDbType.Text, agent.Name);
        Add(NpgsqlDbType.Text, agent.Hostname);
        Add(NpgsqlDbType.Text, agent.Os);
        Add(NpgsqlDbType.Text, agent.Arch);
        Add(NpgsqlDbType.Text, agent.Version);
        Add(NpgsqlDbType.Jsonb, agent.Labels);
        Add(NpgsqlDbType.Jsonb, agent.Capabilities);
        Add(NpgsqlDbType.TimestampTz, agent.RegisteredAt);
        Add(NpgsqlDbType.Boolean, agent.Cordoned);
        Add(NpgsqlDbType.Boolean, agent.Draining);
        Add(NpgsqlDbType.TimestampTz, agent.RevokedAt);
        Add(NpgsqlDbType.TimestampTz, agent.DeregisteredAt);
        Add(NpgsqlDbType.Text, lease.HolderIdentity);
        Add(NpgsqlDbType.Boolean, lease.Held);
        Add(NpgsqlDbType.Integer, lease.LeaseDurationSeconds);
        Add(NpgsqlDbType.TimestampTz, lease.AcquireTime);
        Add(NpgsqlDbType.TimestampTz, lease.RenewTime);
        Add(NpgsqlDbType.TimestampTz, lease.ExpiresAt);
        Add(NpgsqlDbType.Bigint, lease.LeaseTransitions);
        Add(NpgsqlDbType.Text, key.Id);
        Add(NpgsqlDbType.Text, key.SecretHash);
        Add(NpgsqlDbType.TimestampTz, key.CreatedAt);
        Add(NpgsqlDbType.TimestampTz, key.ExpiresAt);
        Add(NpgsqlDbType.Text, attempt.Id);
        Add(NpgsqlDbType.Text, attempt.TenantId);
        Add(NpgsqlDbType.Text, attempt.TokenId);
        Add(NpgsqlDbType.Text, attempt.PeerAddress);
        Add(NpgsqlDbType.Boolean, attempt.Succeeded);
        Add(NpgsqlDbType.Text, attempt.Reason);
        Add(NpgsqlDbType.TimestampTz, attempt.Time);

        var mine = new Pending(rls.Values(), register, agent.Id);
        var stripe = Stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(agent.BootstrapTokenId) % Stripes.Length)];
        stripe.Queue.Enqueue(mine);
        await stripe.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!mine.Result.Task.IsCompleted)
            {
                var group = new List<Pending>();
                while (group.Count < MaxGroup && stripe.Queue.TryDequeue(out var next))
                {
                    group.Add(next);
                }

                // Not the caller's token: the group holds the others' registrations too.
                await RunGroupAsync(dataSource, group, CancellationToken.None);
            }
        }
        finally
        {
            stripe.Gate.Release();
        }

        return await mine.Result.Task;
    }

    private static async Task RunGroupAsync(NpgsqlDataSource dataSource, List<Pending> group, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var pending in group)
            {
                batch.BatchCommands.Add(RowSecurity.Command(pending.Context));
                batch.BatchCommands.Add(pending.Statement);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            foreach (var pending in group)
            {
                await reader.NextResultAsync(cancellationToken);
                var registered = await reader.ReadAsync(cancellationToken) && reader.GetInt64(0) == 1;
                await reader.NextResultAsync(cancellationToken);
                pending.Result.TrySetResult(registered);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && group.Count > 1)
        {
            // One registration's conflict rolled back the whole group: each goes again alone, so only that one fails.
            foreach (var pending in group)
            {
                await RunGroupAsync(dataSource, [pending], cancellationToken);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            group[0].Result.TrySetException(
                new StoreConflictException($"agent {group[0].AgentId} conflicts with an existing row ({e.ConstraintName})", e));
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Result.TrySetException(e);
            }
        }
    }

    private sealed class Stripe
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public System.Collections.Concurrent.ConcurrentQueue<Pending> Queue { get; } = new();
    }

    private sealed class Pending((string Tenant, string Platform) context, NpgsqlBatchCommand statement, string agentId)
    {
        public (string Tenant, string Platform) Context { get; } = context;

        public NpgsqlBatchCommand Statement { get; } = statement;

        public string AgentId { get; } = agentId;

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
