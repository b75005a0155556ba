using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Agents;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Queue;

/// <summary>
/// The command queue half of the PostgreSQL store. Claims and sweeps lock with <c>FOR UPDATE SKIP LOCKED</c>, so
/// replicas and agents never wait on each other's rows and never take the same command; an agent's update locks
/// its one command row and checks the fencing token under that lock.
/// </summary>
internal sealed class PostgresCommandQueue(PooledDbContextFactory<ControlPlaneDbContext> contexts, NpgsqlDataSource dataSource, RowSecurity rls)
{
    private const string Queued = "queued";
    private const string Active = "status IN ('claimed', 'running')";

    /// <summary>Names this store instance in its NOTIFY payloads, so its own listener leaves them to the in-process wake.</summary>
    public string NotifyOrigin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>What makes a queued command claimable by the agent of the claim parameters.</summary>
    private const string Eligible = """
        q.status = 'queued' AND q.available_at <= @now AND q.expires_at > @now
        AND (q.target_agent_id IS NULL OR q.target_agent_id = @agent)
        AND q.selector_labels <@ @labels AND q.required_capabilities <@ @capabilities
        """;

    // Tenants with claimable work, least recently served first (never served before all others). Each tenant's
    // probe is the claim's own walk of its queue in claim order, stopping at the first eligible command: with
    // EXISTS the planner may instead read every queued row of every tenant and group them by tenant (a scan of the
    // whole backlog on every poll), or seq-scan the table's history; LIMIT under ORDER BY keeps it on the index.
    private const string TenantsInTurnOrder = $"""
        SELECT t.id AS "Value" FROM tenants AS t
        CROSS JOIN LATERAL (
            SELECT 1 FROM commands AS q
            WHERE q.tenant_id = t.id AND {Eligible}
            ORDER BY q.sort_key, q.id
            LIMIT 1
        ) AS has_work
        WHERE (@tenant IS NULL OR t.id = @tenant)
        ORDER BY (SELECT max(s.claim_seq) FROM commands AS s WHERE s.tenant_id = t.id) NULLS FIRST, t.id
        """;

    // Up to @max of one tenant's eligible commands in claim order, in one statement. The pick is a MATERIALIZED CTE,
    // evaluated once: as a joined or scalar subquery the planner may rescan it for every row of commands (a nested
    // loop, chosen for small or unanalyzed tables), and each rescan skips the rows the statement has just locked, so
    // one statement would claim more than @max commands.
    private const string ClaimOfTenant = $"""
        WITH pick AS MATERIALIZED (
            SELECT q.id FROM commands AS q
            WHERE q.tenant_id = @tenant AND {Eligible}
            ORDER BY q.sort_key, q.id
            LIMIT @max
            FOR UPDATE SKIP LOCKED
        )
        UPDATE commands AS u
        SET status = 'claimed', attempt = u.attempt + 1, fencing_token = u.attempt + 1, agent_id = @agent,
            holder_identity = @holder, claimed_at = @now, deadline = @now + make_interval(secs => u.timeout_seconds),
            started_at = NULL, finished_at = NULL, status_reason = '', progress_percent = 0, progress_message = '',
            stop_requested = false, claim_seq = nextval('{ControlPlaneDbContext.ClaimSequence}')
        FROM pick
        WHERE u.id = pick.id
        RETURNING u.*
        """;

    // The completion of a held command whose outcome does not depend on the row (TryCompleteHeldAsync): the same
    // changes as the locking way's, fenced in the WHERE clause.
    private const string CompletionSet = """
        SET status = $4, status_reason = $5, finished_at = $6, exit_code = $7, summary = $8, error = $9, log_tail = $10,
            finding_count = $11, truncated = $12, stop_requested = false, deadline = NULL
        """;

    private const string CompleteHeld = $"""
        UPDATE commands AS c
        {CompletionSet}
        WHERE c.id = $1 AND c.agent_id = $2 AND c.fencing_token = $3 AND c.{Active} AND NOT c.cancel_requested
        RETURNING c.*
        """;

    // The same completion with the caller's authentication (TryCompleteWithKeyAsync): $2 is the key's id, $13 the
    // presented secret's hash, $14 the time of the expiry check; the checks are AgentAuthenticator's (revoked included).
    private const string CompleteWithKey = $"""
        UPDATE commands AS c
        {CompletionSet}
        FROM agent_keys AS k
        JOIN agents AS a ON a.id = k.agent_id
        WHERE k.id = $2 AND k.secret_hash = $13 AND (k.expires_at IS NULL OR k.expires_at > $14)
          AND a.revoked_at IS NULL AND a.deregistered_at IS NULL
          AND c.id = $1 AND c.agent_id = k.agent_id AND c.fencing_token = $3 AND c.{Active} AND NOT c.cancel_requested
        RETURNING c.*, {AgentRows.Columns}
        """;

    // The context of the key's agent, read in the platform context: its tenant (a tenant agent), the platform (a
    // platform agent), or no tenant at all (no such key: nothing is visible). The key's tenant never changes.
    internal const string KeyContext = $"""
        SELECT set_config('{RowSecurity.TenantSetting}', coalesce(min(k.tenant_id), ''), true),
               set_config('{RowSecurity.PlatformSetting}', CASE WHEN count(*) = 1 AND min(k.tenant_id) IS NULL THEN 'on' ELSE 'off' END, true)
        FROM agent_keys AS k WHERE k.id = $1
        """;

    /// <summary>
    /// The agent's stop requests, $1 agent, $2 finished after: read with every pull that returns and every renewal
    /// (<see cref="Leases.HeldLeaseRenewal"/> sends it in the renewal's round trip), so raw rather than through EF.
    /// </summary>
    public const string StopRequests = $"""
        SELECT c.id FROM commands AS c
        WHERE c.agent_id = $1 AND {StopRequested}
        """;

    /// <summary><see cref="StopRequests"/> of the agent of the key $1 (the renewal that checks the key in its statement).</summary>
    public const string StopRequestsOfKey = $"""
        SELECT c.id FROM agent_keys AS k JOIN commands AS c ON c.agent_id = k.agent_id
        WHERE k.id = $1 AND {StopRequested}
        """;

    private const string StopRequested = """
        c.stop_requested AND (c.status IN ('claimed', 'running') OR c.finished_at > $2)
        ORDER BY c.created_at, c.id
        """;

    // Sweep (1): the claimant's lease is not held, or held by another process, or the agent is revoked or gone.
    private const string SweepLostClaims = $"""
        WITH lost AS (
            SELECT c.id FROM commands AS c
            JOIN agent_leases AS l ON l.agent_id = c.agent_id
            JOIN agents AS a ON a.id = c.agent_id
            WHERE c.{Active}
              AND (NOT l.held OR l.holder_identity IS DISTINCT FROM c.holder_identity
                   OR a.revoked_at IS NOT NULL OR a.deregistered_at IS NOT NULL)
            FOR UPDATE OF c SKIP LOCKED
        )
        UPDATE commands AS c
        SET status = CASE WHEN c.cancel_requested THEN 'canceled' WHEN c.attempt >= c.max_attempts THEN 'failed' ELSE 'queued' END,
            status_reason = CASE
                WHEN c.cancel_requested THEN 'canceled: the agent lost its claim'
                WHEN c.attempt >= c.max_attempts THEN 'failed: the agent lost its claim and no attempts are left'
                ELSE 'queued again: the agent lost its claim' END,
            finished_at = CASE WHEN c.cancel_requested OR c.attempt >= c.max_attempts THEN $1 END,
            available_at = CASE WHEN c.cancel_requested OR c.attempt >= c.max_attempts THEN c.available_at ELSE $1 END,
            sort_key = CASE WHEN c.cancel_requested OR c.attempt >= c.max_attempts THEN c.sort_key ELSE $1 - c.priority * $2 END,
            deadline = NULL
        FROM lost
        WHERE c.id = lost.id
        RETURNING c.id, c.status
        """;

    // Sweep (2): past the deadline. The agent is told to stop it.
    private const string SweepTimedOut = $"""
        WITH late AS (SELECT id FROM commands WHERE {Active} AND deadline < $1 FOR UPDATE SKIP LOCKED)
        UPDATE commands AS c
        SET status = 'failed', status_reason = 'timed out after ' || c.timeout_seconds || ' s', stop_requested = true, finished_at = $1
        FROM late
        WHERE c.id = late.id
        RETURNING c.id, c.status
        """;

    // Sweep (3): queued work nobody claimed in time.
    private const string SweepExpired = """
        WITH stale AS (SELECT id FROM commands WHERE status = 'queued' AND expires_at <= $1 FOR UPDATE SKIP LOCKED)
        UPDATE commands AS c
        SET status = 'expired', status_reason = 'expired before an agent claimed it', finished_at = $1
        FROM stale
        WHERE c.id = stale.id
        RETURNING c.id, c.status
        """;

    public async Task<(Command Command, bool Created)> EnqueueAsync(Command command, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var entity = ToEntity(command);
            db.Commands.Add(entity);
            try
            {
                // One INSERT, no explicit transaction: it commits in the round trip that sends it (with its row-level
                // security context, prepended by the interceptor), instead of INSERT, NOTIFY and COMMIT in three. The
                // NOTIFY follows in AnnounceAsync, once the caller has woken its own replica's waiter.
                await db.SaveChangesAsync(cancellationToken);
                return (ToDomain(entity), true);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
            {
                if (unique.ConstraintName != ControlPlaneDbContext.IdempotencyIndex)
                {
                    throw new StoreConflictException($"command {command.Id} conflicts with an existing row ({unique.ConstraintName})", e);
                }
            }
        }

        // The unique index settled a concurrent enqueue with the same key: the first one stands.
        await using var read = await contexts.CreateDbContextAsync(cancellationToken);
        await using var readTransaction = await rls.BeginAsync(read, cancellationToken);
        var existing = await read.Commands.FirstAsync(
            c => c.TenantId == command.TenantId && c.IdempotencyKey == command.IdempotencyKey, cancellationToken);
        return (ToDomain(existing), false);
    }

    /// <summary>
    /// NOTIFY for a committed command, so the other replicas' listeners find the row when they wake a waiter. A
    /// NOTIFY lost to a crash before it delays the command to the polls' next looks.
    /// </summary>
    public async Task AnnounceAsync(Command command, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection)
        {
            Parameters = { new() { Value = PostgresCommandListener.Channel }, new() { Value = CommandNotification.Payload(NotifyOrigin, command) } },
        };
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Command?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Commands.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public async Task<IReadOnlyList<Command>> ListAsync(CommandQuery query, PageRequest page, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.Commands.AsQueryable();
        if (query.TenantId is not null)
        {
            rows = rows.Where(c => c.TenantId == query.TenantId);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var words = statuses.Select(s => s.Word()).ToList();
            rows = rows.Where(c => words.Contains(c.Status));
        }

        if (query.AgentId is not null)
        {
            rows = rows.Where(c => c.AgentId == query.AgentId);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    public async Task<IReadOnlyList<Command>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        if (request.Max <= 0)
        {
            return [];
        }

        if (request.TenantId is { } own)
        {
            // A tenant agent serves one tenant, so there are no turns to take: one statement claims its batch, in one
            // round trip with its row-level security context (an implicit transaction), raw: no EF materialization.
            return await ClaimOfOwnTenantAsync(request, own, cancellationToken);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var turns = await db.Database
            .SqlQueryRaw<string>(TenantsInTurnOrder, ClaimParameters(request, null))
            .ToListAsync(cancellationToken);

        // Tenants take turns in rounds: in each, every tenant still in line claims its equal share of what is left of
        // the batch in one statement; one that filled its share stays for the next round, one that had less leaves.
        var claimed = new List<Command>();
        while (claimed.Count < request.Max && turns.Count > 0)
        {
            var share = (request.Max - claimed.Count + turns.Count - 1) / turns.Count;
            var stay = new List<string>();
            foreach (var tenant in turns)
            {
                var take = Math.Min(share, request.Max - claimed.Count);
                if (take == 0)
                {
                    break;
                }

                var rows = await ClaimOfTenantAsync(db, request, tenant, take, cancellationToken);
                claimed.AddRange(rows);
                if (rows.Count == take)
                {
                    stay.Add(tenant);
                }
            }

            turns = stay;
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    private static async Task<List<Command>> ClaimOfTenantAsync(
        ControlPlaneDbContext db, ClaimRequest request, string tenant, int max, CancellationToken cancellationToken) =>
        InClaimOrder(await db.Commands.FromSqlRaw(ClaimOfTenant, ClaimOfTenantParameters(request, tenant, max)).ToListAsync(cancellationToken));

    private async Task<List<Command>> ClaimOfOwnTenantAsync(ClaimRequest request, string tenant, CancellationToken cancellationToken)
    {
        var claim = new NpgsqlBatchCommand(ClaimOfTenant);
        claim.Parameters.AddRange(ClaimOfTenantParameters(request, tenant, request.Max));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { rls.Command(), claim } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return InClaimOrder(await CommandRows.ReadAllAsync(reader, cancellationToken));
    }

    // RETURNING keeps no order: hand them out in claim order.
    private static List<Command> InClaimOrder(List<CommandEntity> rows) =>
        [.. rows.OrderBy(r => r.SortKey).ThenBy(r => r.Id, StringComparer.Ordinal).Select(ToDomain)];

    private static object[] ClaimOfTenantParameters(ClaimRequest request, string tenant, int max) =>
        [.. ClaimParameters(request, tenant), new NpgsqlParameter("max", NpgsqlDbType.Integer) { Value = max }];

    public Task<CommandUpdate> StartAsync(CommandRef command, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateHeldAsync(command, row =>
        {
            if (row.Status != "running")
            {
                row.Status = "running";
                row.StartedAt = Utc(now);
            }
        }, cancellationToken);

    public Task<CommandUpdate> ReportProgressAsync(CommandRef command, int percent, string message, CancellationToken cancellationToken) =>
        UpdateHeldAsync(command, row =>
        {
            row.ProgressPercent = Math.Clamp(percent, 0, 100);
            row.ProgressMessage = message;
        }, cancellationToken);

    public async Task<CommandUpdate> CompleteAsync(CommandCompletion completion, CancellationToken cancellationToken)
    {
        if (await TryCompleteHeldAsync(completion, cancellationToken) is { } completed)
        {
            return new CommandUpdate(CommandUpdateOutcome.Applied, ToDomain(completed));
        }

        return await UpdateHeldAsync(completion.Ref, row =>
        {
            var now = Utc(completion.Now);
            row.ExitCode = completion.ExitCode;
            row.Summary = completion.Summary;
            row.Error = completion.Error;
            row.LogTail = completion.LogTail;
            row.FindingCount = completion.FindingCount;
            row.Truncated = completion.Truncated;
            row.StopRequested = false;
            row.Deadline = null;
            if (row.CancelRequested || completion.Outcome == CommandStatus.Canceled)
            {
                Finish(row, CommandStatus.Canceled, row.CancelRequested ? "canceled on request" : "canceled by the agent", now);
            }
            else if (completion.Outcome == CommandStatus.Succeeded)
            {
                Finish(row, CommandStatus.Succeeded, "", now);
            }
            else if (completion.Retryable && row.Attempt < row.MaxAttempts)
            {
                var retryAt = Utc(completion.RetryAt);
                row.Status = Queued;
                row.StatusReason = $"queued again after failed attempt {row.Attempt}";
                row.AvailableAt = retryAt;
                row.SortKey = Utc(Command.ComputeSortKey(retryAt, row.Priority));
            }
            else
            {
                Finish(row, CommandStatus.Failed, completion.Retryable ? "failed: no attempts are left" : "failed", now);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The common completion as one statement with its context in one round trip (an implicit transaction): the
    /// holder's current token on an active command with no cancel requested, and an outcome that does not depend on
    /// the row (succeeded, canceled by the agent, failed for good). The row lock of the UPDATE and the WHERE clause
    /// are the fencing check of <see cref="UpdateHeldAsync"/>; whatever matches no row (a stale or unknown command, a
    /// requested cancel, a retry whose back-off depends on the attempt) goes the locking way, which answers it.
    /// </summary>
    private async Task<CommandEntity?> TryCompleteHeldAsync(CommandCompletion completion, CancellationToken cancellationToken)
    {
        if (PlainEnd(completion) is not { } final)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { rls.Command(), Completion(CompleteHeld, completion, final, completion.Ref.AgentId) },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return (await CommandRows.ReadAllAsync(reader, cancellationToken)).SingleOrDefault();
    }

    /// <summary>
    /// <see cref="TryCompleteHeldAsync"/> with the caller's authentication in the same statement, in one round trip:
    /// the platform context to read the key, the key's agent's context, then <see cref="CompleteWithKey"/>.
    /// </summary>
    public async Task<(Command Command, Agent Agent)?> TryCompleteWithKeyAsync(AgentKeyProof key, CommandCompletion completion,
        CancellationToken cancellationToken)
    {
        if (PlainEnd(completion) is not { } final)
        {
            return null;
        }

        var complete = Completion(CompleteWithKey, completion, final, key.KeyId);
        complete.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = key.SecretHash });
        complete.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = Utc(key.Now) });
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                RowSecurity.Command(("", "on")),
                new NpgsqlBatchCommand(KeyContext) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Text, Value = key.KeyId } } },
                complete,
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var command = CommandRows.ReadOne(reader);
        var agent = AgentRows.Read(reader, reader.FieldCount - AgentRows.Count);
        return (ToDomain(command), ToDomain(agent));
    }

    private static NpgsqlBatchCommand Completion(string sql, CommandCompletion completion, (CommandStatus Status, string Reason) end, string agentOrKey) =>
        new(sql)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = completion.Ref.CommandId },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = agentOrKey },
                new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = completion.Ref.FencingToken },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = end.Status.Word() },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = end.Reason },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = Utc(completion.Now) },
                new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = completion.ExitCode },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = completion.Summary },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = completion.Error },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = completion.LogTail },
                new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = completion.FindingCount },
                new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = completion.Truncated },
            },
        };

    // An outcome that does not depend on the command row (a retry's back-off needs its attempt).
    private static (CommandStatus Status, string Reason)? PlainEnd(CommandCompletion completion) => completion.Outcome switch
    {
        CommandStatus.Succeeded => (CommandStatus.Succeeded, ""),
        CommandStatus.Canceled => (CommandStatus.Canceled, "canceled by the agent"),
        CommandStatus.Failed when !completion.Retryable => (CommandStatus.Failed, "failed"),
        _ => null,
    };

    public async Task<Command?> CancelAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var row = await LockAsync(db, id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var status = ParseStatus(row.Status);
        if (status == CommandStatus.Queued)
        {
            row.CancelRequested = true;
            Finish(row, CommandStatus.Canceled, "canceled before an agent claimed it", Utc(now));
        }
        else if (status.IsActive())
        {
            // The agent hears of it on its next renew or poll, stops the scanner and reports canceled.
            row.CancelRequested = true;
            row.StopRequested = true;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToDomain(row);
    }

    public async Task<CommandSweep> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Utc(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await rls.ApplyAsync(connection, transaction, cancellationToken);
        var lost = await SweepStepAsync(connection, transaction, SweepLostClaims, [at, Command.AgingPerPriorityPoint], cancellationToken);
        var timedOut = await SweepStepAsync(connection, transaction, SweepTimedOut, [at], cancellationToken);
        var expired = await SweepStepAsync(connection, transaction, SweepExpired, [at], cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        List<string> Lost(string status) => [.. lost.Where(r => r.Status == status).Select(r => r.Id)];
        return new CommandSweep(Lost(Queued), Lost("failed"), Lost("canceled"), [.. timedOut.Select(r => r.Id)], [.. expired.Select(r => r.Id)]);
    }

    public async Task<IReadOnlyList<string>> GetStopRequestsAsync(string agentId, DateTimeOffset finishedAfter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                rls.Command(),
                new NpgsqlBatchCommand(StopRequests)
                {
                    Parameters =
                    {
                        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = agentId },
                        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = Utc(finishedAfter) },
                    },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async Task<IReadOnlyList<QueueDepth>> GetQueueDepthAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var counts = await db.Commands
            .Where(c => c.Status == Queued || c.Status == "claimed" || c.Status == "running")
            .GroupBy(c => new { c.TenantId, c.Status })
            .Select(g => new { g.Key.TenantId, g.Key.Status, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return [.. counts.Select(c => new QueueDepth(c.TenantId, ParseStatus(c.Status), c.Count))];
    }

    /// <summary>
    /// Locks the agent's command row and applies <paramref name="apply"/> only when the agent presents the current
    /// fencing token of an active claim; a stale token changes nothing.
    /// </summary>
    private async Task<CommandUpdate> UpdateHeldAsync(CommandRef command, Action<CommandEntity> apply, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var row = await LockAsync(db, command.CommandId, cancellationToken);
        if (row is null || row.AgentId != command.AgentId)
        {
            return new CommandUpdate(CommandUpdateOutcome.NotFound, null);
        }

        if (row.FencingToken != command.FencingToken || !ParseStatus(row.Status).IsActive())
        {
            return new CommandUpdate(CommandUpdateOutcome.Stale, ToDomain(row));
        }

        apply(row);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CommandUpdate(CommandUpdateOutcome.Applied, ToDomain(row));
    }

    private static async Task<CommandEntity?> LockAsync(ControlPlaneDbContext db, string id, CancellationToken cancellationToken) =>
        (await db.Commands.FromSql($"SELECT * FROM commands WHERE id = {id} FOR UPDATE").AsTracking().ToListAsync(cancellationToken))
            .SingleOrDefault();

    private static void Finish(CommandEntity row, CommandStatus status, string reason, DateTimeOffset now)
    {
        row.Status = status.Word();
        row.StatusReason = reason;
        row.FinishedAt = now;
    }

    /// <summary>Fresh parameters per statement: an ADO.NET parameter belongs to one command at a time.</summary>
    private static object[] ClaimParameters(ClaimRequest request, string? tenant) =>
    [
        new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = Utc(request.Now) },
        new NpgsqlParameter("agent", NpgsqlDbType.Text) { Value = request.AgentId },
        new NpgsqlParameter("holder", NpgsqlDbType.Text) { Value = request.HolderIdentity },
        new NpgsqlParameter("labels", NpgsqlDbType.Jsonb) { Value = LabelsJson(request.Labels) },
        new NpgsqlParameter("capabilities", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = request.Capabilities.ToArray() },
        new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value },
    ];

    private static async Task<List<(string Id, string Status)>> SweepStepAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object[] positional, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in positional)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }
}
