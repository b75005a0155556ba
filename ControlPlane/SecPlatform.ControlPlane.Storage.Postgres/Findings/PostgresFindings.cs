using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using SecPlatform.ControlPlane.Storage.Postgres.Components;
using SecPlatform.ControlPlane.Storage.Postgres.Scans;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Findings;

/// <summary>
/// The findings half of the PostgreSQL store. An ingest is one transaction of two round trips whatever the batch size:
/// (1) begin, lock and check the command row, create the staging table; (2) the batch into the staging table (one array
/// per column), every write, and the commit. Each write is driven by the staged rows through unique indexes (one probe
/// per staged row), never by a range of the tenant's findings, its links or the attempt's observations, so its cost does
/// not grow with the tables. The staging table is temporary (no row-level security), and the statements that write the
/// tenant's tables run with <c>app.tenant_id</c> set for the transaction, which the row-level security policies read.
/// Lock order, the same in every ingest: the command row; new vulnerabilities and new assets (inserted, in id and
/// (kind, value) order); findings in fingerprint order; last, the assets the batch saw, in (kind, value) order, so an
/// asset that many runs report (their host) is held only for the end of the last round trip. See docs/findings-ingest.md.
/// </summary>
internal sealed class PostgresFindings(PooledDbContextFactory<ControlPlaneDbContext> contexts, NpgsqlDataSource dataSource, RowSecurity rls)
{
    private IReadOnlyDictionary<string, AssetKind>? _assetKinds;

    // The agent's fenced reference, checked under the row lock as every command update checks it. The lock also
    // serializes the ingests of one attempt, which makes the staged batch's "not observed yet" test exact.
    private const string LockCommand = "SELECT agent_id, fencing_token, status, attempt, tenant_id FROM commands WHERE id = $1 FOR UPDATE";

    // Per transaction: nothing to clean up on a pooled connection, and it works through a transaction-mode pooler.
    // The last four columns are filled in by the statements: observed (this attempt delivered the fingerprint before),
    // the asset's id, and the finding the upsert wrote (and whether it inserted it).
    private const string CreateStage = """
        CREATE TEMP TABLE finding_stage (
            ord integer NOT NULL, id text COLLATE "C" NOT NULL, fingerprint text COLLATE "C" NOT NULL,
            scanner text NOT NULL, rule_id text NOT NULL, title text NOT NULL, severity text NOT NULL,
            asset_kind text NOT NULL, asset_value text NOT NULL, host text NOT NULL, file text NOT NULL,
            line integer NOT NULL, "column" integer NOT NULL, port integer NOT NULL, protocol text NOT NULL,
            message text NOT NULL, cves text[] NOT NULL, cwes text[] NOT NULL, evidence text NOT NULL,
            asset_id text COLLATE "C" NOT NULL, asset_key text NOT NULL, asset_host text NOT NULL,
            vulnerability_ids text[] COLLATE "C" NOT NULL,
            observed boolean NOT NULL DEFAULT false, asset_ref text COLLATE "C", finding_id text COLLATE "C", inserted boolean
        ) ON COMMIT DROP
        """;

    /// <summary>
    /// The batch into the staging table, in the write batch itself: one array per column (the lists per finding as array
    /// literals, since a PostgreSQL array cannot be ragged). A binary COPY would need a round trip of its own and keep
    /// the backend waiting while the control plane writes rows.
    /// </summary>
    public const string FillStage = """
        INSERT INTO finding_stage (ord, id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value, host, file,
            line, "column", port, protocol, message, cves, cwes, evidence, asset_id, asset_key, asset_host, vulnerability_ids)
        SELECT u.ord, u.id, u.fingerprint, u.scanner, u.rule_id, u.title, u.severity, u.asset_kind, u.asset_value, u.host, u.file,
            u.line, u."column", u.port, u.protocol, u.message, u.cves::text[], u.cwes::text[], u.evidence, u.asset_id, u.asset_key,
            u.asset_host, u.vulnerability_ids::text[]
        FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::text[], $12::integer[], $13::integer[], $14::integer[], $15::text[], $16::text[], $17::text[], $18::text[],
            $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
            AS u(ord, id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value, host, file,
                line, "column", port, protocol, message, cves, cwes, evidence, asset_id, asset_key, asset_host, vulnerability_ids)
        """;

    /// <summary>
    /// First in the write, so every ingest takes these locks before any finding's, in id order: the vulnerabilities the
    /// staged findings name, created when new (a definition is global; which tenant's findings name it is in the links).
    /// $1 now.
    /// </summary>
    public const string CreateVulnerabilities = """
        INSERT INTO vulnerabilities (id, first_seen)
        SELECT DISTINCT v.id, $1::timestamptz FROM finding_stage AS s CROSS JOIN LATERAL unnest(s.vulnerability_ids) AS v(id)
        ORDER BY v.id
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>
    /// The batch's assets that the tenant does not have yet, inserted in (kind, value) order (a new asset's first report
    /// in the batch names its host). Known assets are neither changed nor locked here: their <c>last_seen</c> moves in
    /// <see cref="TouchAssets"/>, at the end. A statement of its own so that the next one's snapshot sees an asset that a
    /// concurrent ingest inserted and this one waited for. $1 tenant, $2 now.
    /// </summary>
    public const string CreateAssets = """
        INSERT INTO assets (id, tenant_id, kind, value, host, first_seen, last_seen)
        SELECT DISTINCT ON (s.asset_kind, s.asset_key) s.asset_id, $1, s.asset_kind, s.asset_key, s.asset_host, $2, $2
        FROM finding_stage AS s
        ORDER BY s.asset_kind, s.asset_key, s.ord
        ON CONFLICT (tenant_id, kind, value) DO NOTHING
        """;

    /// <summary>
    /// Marks each staged row: whether this attempt delivered the fingerprint before (the primary key of the observations)
    /// and the id of its asset (the unique (tenant, kind, value) index). Scalar subqueries, so each is one index probe
    /// per staged row whatever the statistics say: a join here was planned as a scan of all the attempt's observations,
    /// which grows with every batch. $1 tenant, $2 command, $3 attempt.
    /// </summary>
    public const string Mark = """
        UPDATE finding_stage AS s SET
            observed = (SELECT true FROM finding_observations AS o
                        WHERE o.command_id = $2 AND o.attempt = $3 AND o.fingerprint = s.fingerprint) IS NOT NULL,
            asset_ref = (SELECT a.id FROM assets AS a WHERE a.tenant_id = $1 AND a.kind = s.asset_kind AND a.value = s.asset_key)
        """;

    /// <summary>
    /// After the upsert: the findings it updated that were resolved become reopened, with a history row each. They are
    /// found by primary key (the ids the upsert wrote into the stage), the only index that leads with the id: a lookup
    /// by (tenant, fingerprint) was planned, from statistics older than a fast-growing tenant, as a scan of the tenant's
    /// findings through another tenant-leading index, once per staged row (seconds per batch). The upsert already holds
    /// these rows' locks, so no new lock order. $1 tenant, $2 command, $3 now.
    /// </summary>
    public const string Reopen = """
        WITH reopened AS (
            UPDATE findings AS f SET status = 'reopened'
            WHERE f.id = ANY (ARRAY(SELECT s.finding_id FROM finding_stage AS s WHERE NOT s.inserted)) AND f.status = 'resolved'
            RETURNING f.id
        )
        INSERT INTO finding_status_history (finding_id, tenant_id, from_status, to_status, reason, actor, command_id, changed_at)
        SELECT r.id, $1, 'resolved', 'reopened', 'seen again', 'system', $2, $3 FROM reopened AS r
        """;

    /// <summary>
    /// The staged fingerprints this attempt has not delivered yet (the stage holds each fingerprint once, its first report
    /// in the batch): their findings inserted or updated (one row each, so ON CONFLICT never meets a row twice), in
    /// fingerprint order, so two ingests of one tenant that meet on the same findings (two agents seeing the same
    /// service) wait for each other in one direction only and never deadlock; their vulnerability links; their
    /// observations, carrying the finding ids the upsert returned (written last because the parts of one statement share
    /// a snapshot); the scan's counts; and, in the stage, which finding each row wrote and whether it was new (for
    /// <see cref="Unlink"/>). $1 tenant, $2 command, $3 attempt, $4 now.
    /// </summary>
    public const string Upsert = $"""
        WITH fresh AS (
            SELECT s.* FROM finding_stage AS s WHERE NOT s.observed
        ),
        upserted AS (
            INSERT INTO findings AS f (id, tenant_id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value,
                host, file, line, "column", port, protocol, message, cves, cwes, evidence,
                first_seen, last_seen, occurrences, last_command_id, asset_id)
            SELECT n.id, $1, n.fingerprint, n.scanner, n.rule_id, n.title, n.severity, n.asset_kind, n.asset_value,
                n.host, n.file, n.line, n."column", n.port, n.protocol, n.message, n.cves, n.cwes, n.evidence,
                $4, $4, 1, $2, n.asset_ref
            FROM fresh AS n
            ORDER BY n.fingerprint
            ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET
                scanner = excluded.scanner, rule_id = excluded.rule_id, title = excluded.title, severity = excluded.severity,
                asset_kind = excluded.asset_kind, asset_value = excluded.asset_value, host = excluded.host, file = excluded.file,
                line = excluded.line, "column" = excluded."column", port = excluded.port, protocol = excluded.protocol,
                message = excluded.message, cves = excluded.cves, cwes = excluded.cwes, evidence = excluded.evidence,
                last_seen = excluded.last_seen, occurrences = f.occurrences + 1, last_command_id = excluded.last_command_id,
                asset_id = excluded.asset_id
            RETURNING f.id, f.fingerprint, f.severity, (f.xmax = 0) AS inserted
        ),
        linked AS (
            INSERT INTO finding_vulnerabilities (tenant_id, vulnerability_id, finding_id, first_seen)
            SELECT $1, v.id, u.id, $4
            FROM upserted AS u JOIN fresh AS n ON n.fingerprint = u.fingerprint CROSS JOIN LATERAL unnest(n.vulnerability_ids) AS v(id)
            ON CONFLICT DO NOTHING
            RETURNING 1
        ),
        observed AS (
            INSERT INTO finding_observations (tenant_id, command_id, attempt, fingerprint, finding_id, observed_at)
            SELECT $1, $2, $3, u.fingerprint, u.id, $4 FROM upserted AS u
            RETURNING 1
        ),
        noted AS (
            UPDATE finding_stage AS s SET finding_id = u.id, inserted = u.inserted
            FROM upserted AS u
            WHERE s.fingerprint = u.fingerprint
        ),
        {PostgresScans.CountFindingsCte}
        SELECT (SELECT count(*) FROM finding_stage)::integer, (SELECT count(*) FROM observed)::integer
        """;

    /// <summary>
    /// After the upsert, as its own statement so that its snapshot sees the links of a concurrent ingest that the upsert
    /// waited for: the links of the findings this batch updated (a finding it inserted has only the links it just wrote)
    /// that the new report no longer names. The upsert holds those findings' row locks until commit, so no later report
    /// can interleave. The links are found by finding id (its index), one probe per updated finding. No tenant condition
    /// (the ids are this tenant's, from its upsert, and row-level security applies): with one, the planner could take the
    /// primary key's (tenant) prefix instead, a scan of all the tenant's links. No parameters.
    /// </summary>
    public const string Unlink = """
        DELETE FROM finding_vulnerabilities AS l
        USING finding_stage AS n
        WHERE l.finding_id = ANY (ARRAY(SELECT s.finding_id FROM finding_stage AS s WHERE NOT s.inserted))
          AND n.finding_id = l.finding_id AND NOT n.inserted
          AND NOT (l.vulnerability_id = ANY (n.vulnerability_ids))
        """;

    /// <summary>
    /// Last before the commit: the assets of the fresh findings seen now (<c>last_seen</c> moves forward, never back),
    /// locked in (kind, value) order. Many runs of a tenant report the same assets (a host, a repository), so these are
    /// its most contended rows: updating them last holds their locks for the end of one round trip instead of the whole
    /// transaction (when they came first, concurrent batches of one tenant ran one at a time). $1 tenant, $2 now.
    /// </summary>
    public const string TouchAssets = """
        INSERT INTO assets AS a (id, tenant_id, kind, value, host, first_seen, last_seen)
        SELECT DISTINCT ON (s.asset_kind, s.asset_key) s.asset_id, $1, s.asset_kind, s.asset_key, s.asset_host, $2, $2
        FROM finding_stage AS s
        WHERE NOT s.observed
        ORDER BY s.asset_kind, s.asset_key, s.ord
        ON CONFLICT (tenant_id, kind, value) DO UPDATE SET last_seen = excluded.last_seen WHERE a.last_seen < excluded.last_seen
        """;

    /// <summary>
    /// A clean run's resolution, one statement with its check: <c>run</c> is <see cref="CleanRun"/>'s check (the latest
    /// attempt, succeeded, not truncated; the command share-locked first, before any finding), and without it nothing
    /// is resolved. Then the scope's open and reopened findings that this attempt did not observe and that nobody saw
    /// since the attempt was claimed, locked in fingerprint order (as the ingest locks them), resolved with a history
    /// row each. $1 tenant, $2 scanner, $3 host, $4 command, $5 attempt, $6 now, $7 path (null: no path), $8 and $9 the
    /// prefixes of files under the path.
    /// </summary>
    public const string Resolve = $"""
        WITH run AS MATERIALIZED (
            SELECT claimed_at FROM commands
            WHERE id = $4 AND tenant_id = $1 AND attempt = $5 AND status = 'succeeded' AND NOT truncated AND claimed_at IS NOT NULL
            FOR SHARE
        ),
        target AS (
            SELECT f.id, f.status FROM run, findings AS f
            WHERE f.tenant_id = $1 AND f.scanner = $2 AND f.host = $3 AND f.status IN ('open', 'reopened')
              AND f.last_seen < run.claimed_at
              AND ($7::text IS NULL OR f.file = $7 OR starts_with(f.file, $8) OR starts_with(f.file, $9))
              AND NOT EXISTS (
                SELECT 1 FROM finding_observations AS o
                WHERE o.command_id = $4 AND o.attempt = $5 AND o.fingerprint = f.fingerprint)
            ORDER BY f.fingerprint
            FOR UPDATE OF f
        ),
        resolved AS (
            UPDATE findings AS f SET status = 'resolved'
            FROM target AS t, run
            WHERE f.id = t.id AND f.status IN ('open', 'reopened') AND f.last_seen < run.claimed_at
            RETURNING f.id, t.status AS from_status
        ),
        changes AS (
            INSERT INTO finding_status_history (finding_id, tenant_id, from_status, to_status, reason, actor, command_id, changed_at)
            SELECT r.id, $1, r.from_status, 'resolved', 'not reported by a complete scan', 'system', $4, $6 FROM resolved AS r
            RETURNING 1
        ),
        {PostgresScans.CountResolvedCte}
        SELECT count(*)::integer FROM changes
        """;

    public async Task<FindingIngestResult> IngestAsync(FindingIngest ingest, CancellationToken cancellationToken)
    {
        var reference = ingest.Command;
        var now = Utc(ingest.Now);
        // Each fingerprint once, its first report in the batch (repeats inside a batch count once).
        var findings = FirstOfEach(ingest.Findings);
        var components = ingest.Components ?? [];
        var kinds = await AssetKindsAsync(cancellationToken);
        // The batch's arrays before the transaction begins: no C# work while it holds the command's row lock.
        var stage = findings.Count > 0 ? Stage(findings, kinds) : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // Round trip 1: begin, the lock and check, and the staging table. The transaction is begun and committed by
        // statements (not NpgsqlTransaction) so that the commit rides in the last batch instead of a round trip of its own;
        // Npgsql rolls back whatever a failure leaves open when the connection goes back to the pool.
        string tenantId;
        int attempt;
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            // The call's context first (the agent's tenant, or the platform for a platform agent): the lock must see the row.
            batch.BatchCommands.Add(rls.Command());
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockCommand) { Parameters = { new() { Value = reference.CommandId } } });
            if (findings.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
            }

            CommandUpdateOutcome? refused = null;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                await reader.NextResultAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0) || reader.GetString(0) != reference.AgentId)
                {
                    refused = CommandUpdateOutcome.NotFound;
                }
                else if (reader.GetInt64(1) != reference.FencingToken || reader.GetString(2) is not ("claimed" or "running"))
                {
                    refused = CommandUpdateOutcome.Stale;
                }

                attempt = refused is null ? reader.GetInt32(3) : 0;
                tenantId = refused is null ? reader.GetString(4) : "";
            }

            if (refused is { } outcome)
            {
                // Nothing written; the staging table goes with the rollback.
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync(cancellationToken);
                return new FindingIngestResult(outcome, 0, 0);
            }
        }

        // Round trip 2: the batch into the staging table, every write, then the commit.
        int distinct = 0, fresh = 0;
        await using (var write = new NpgsqlBatch(connection))
        {
            write.BatchCommands.Add(RowSecurity.ForTenant(tenantId));
            if (stage is not null)
            {
                write.BatchCommands.Add(stage);
                write.BatchCommands.Add(Statement(CreateVulnerabilities, now));
                write.BatchCommands.Add(Statement(CreateAssets, tenantId, now));
                write.BatchCommands.Add(Statement(Mark, tenantId, reference.CommandId, attempt));
                write.BatchCommands.Add(Statement(Upsert, tenantId, reference.CommandId, attempt, now));
                write.BatchCommands.Add(Statement(Reopen, tenantId, reference.CommandId, now));
                write.BatchCommands.Add(Statement(Unlink));
            }

            if (components.Count > 0)
            {
                // It upserts the fresh findings' assets with its own, in one pass.
                write.BatchCommands.Add(PostgresComponents.Command(tenantId, reference.CommandId, attempt, ingest.Now, components, kinds,
                    withFindingAssets: findings.Count > 0));
            }
            else if (findings.Count > 0)
            {
                write.BatchCommands.Add(Statement(TouchAssets, tenantId, now));
            }

            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

            // Result sets: set_config's, then the upsert's (no other statement returns rows).
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            if (findings.Count > 0)
            {
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                distinct = reader.GetInt32(0);
                fresh = reader.GetInt32(1);
            }
        }

        return new FindingIngestResult(CommandUpdateOutcome.Applied, fresh, distinct - fresh);
    }

    private static NpgsqlBatchCommand Statement(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    /// <summary>The first report of each fingerprint, in batch order (the batch as it is when it has no repeat).</summary>
    private static IReadOnlyList<ObservedFinding> FirstOfEach(IReadOnlyList<ObservedFinding> findings)
    {
        var seen = new HashSet<string>(findings.Count, StringComparer.Ordinal);
        List<ObservedFinding>? firsts = null;
        for (var i = 0; i < findings.Count; i++)
        {
            if (!seen.Add(findings[i].Fingerprint))
            {
                firsts ??= [.. findings.Take(i)];
            }
            else
            {
                firsts?.Add(findings[i]);
            }
        }

        return firsts ?? findings;
    }

    public async Task<long> CountObservedAsync(string commandId, int attempt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await rls.ApplyAsync(connection, transaction, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM finding_observations WHERE command_id = $1 AND attempt = $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = commandId });
        command.Parameters.Add(new NpgsqlParameter { Value = attempt });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>At most <see cref="PageRequest.Limit"/> findings (none for 0), capped at <see cref="PageRequest.MaxLimit"/>.</summary>
    public async Task<IReadOnlyList<Finding>> ListAsync(FindingQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = Filtered(db, query);
        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(f => EF.Functions.GreaterThan(ValueTuple.Create(f.FirstSeen, f.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(f => f.FirstSeen).ThenBy(f => f.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    /// <summary>The findings a query matches, unordered: every finding list, summary and export starts here.</summary>
    internal static IQueryable<FindingEntity> Filtered(ControlPlaneDbContext db, FindingQuery query)
    {
        IQueryable<FindingEntity> rows;
        if (query.CommandId is not null)
        {
            // The attempt's observations (one range of the primary key), then their findings by id.
            var observations = db.FindingObservations.Where(o => o.CommandId == query.CommandId && o.Attempt == query.Attempt);
            if (query.TenantId is not null)
            {
                observations = observations.Where(o => o.TenantId == query.TenantId);
            }

            rows = observations.Join(db.Findings, o => o.FindingId, f => f.Id, (o, f) => f);
        }
        else
        {
            rows = db.Findings.AsQueryable();
        }

        if (query.TenantId is not null)
        {
            rows = rows.Where(f => f.TenantId == query.TenantId);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var words = statuses.ToArray();
            rows = rows.Where(f => words.Contains(f.Status));
        }

        if (query.Severities is { Count: > 0 } severities)
        {
            var words = severities.Select(SeverityWord).ToArray();
            rows = rows.Where(f => words.Contains(f.Severity));
        }

        if (query.Scanner is { } scanner)
        {
            rows = rows.Where(f => f.Scanner == scanner);
        }

        if (query.RuleId is { } ruleId)
        {
            rows = rows.Where(f => f.RuleId == ruleId);
        }

        if (query.Since is { } since)
        {
            var from = Utc(since);
            rows = rows.Where(f => f.LastSeen >= from);
        }

        if (query.AssetId is { } assetId)
        {
            rows = rows.Where(f => f.AssetId == assetId);
        }

        if (query.GroupId is { } groupId)
        {
            // A static group's members, or the assets a label-based group's selector matches now (labels @> selector),
            // as one subquery, so lists, summaries and exports stay one statement.
            rows = rows.Where(f => db.AssetGroups.Any(g => g.Id == groupId && g.TenantId == f.TenantId
                && (g.Selector != null
                    ? db.Assets.Any(a => a.Id == f.AssetId && a.TenantId == f.TenantId && EF.Functions.JsonContains(a.Labels, g.Selector))
                    : db.AssetGroupMembers.Any(m => m.GroupId == groupId && m.AssetId == f.AssetId))));
        }

        if (query.Cve is { } cve)
        {
            rows = rows.Where(f => db.FindingVulnerabilities.Any(l => l.TenantId == f.TenantId && l.VulnerabilityId == cve && l.FindingId == f.Id));
        }

        return rows;
    }

    public async Task<Finding?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var found = await db.Findings.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    /// <summary>The asset kinds (data), read once per store: a kind added later needs a restart.</summary>
    public async Task<IReadOnlyDictionary<string, AssetKind>> AssetKindsAsync(CancellationToken cancellationToken)
    {
        if (_assetKinds is { } cached)
        {
            return cached;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.AssetKinds.ToListAsync(cancellationToken);
        return _assetKinds = rows.ToDictionary(k => k.Name, k => new AssetKind(k.Name, k.Description, k.BelongsToHost), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<Asset>> ListAssetsAsync(AssetQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.Assets.AsQueryable();
        if (query.TenantId is not null)
        {
            rows = rows.Where(a => a.TenantId == query.TenantId);
        }

        if (query.Kind is not null)
        {
            rows = rows.Where(a => a.Kind == query.Kind);
        }

        if (query.Labels is { Count: > 0 } labels)
        {
            var selector = LabelsJson(labels);
            rows = rows.Where(a => EF.Functions.JsonContains(a.Labels, selector));
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.FirstSeen, a.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(a => a.FirstSeen).ThenBy(a => a.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    public async Task<Asset?> GetAssetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var found = await db.Assets.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public async Task<int> ResolveUnseenAsync(ResolveScope scope, CancellationToken cancellationToken)
    {
        // The check used to read the command in the call's context before writing in the command's tenant: a context
        // that cannot see that tenant (none, or another tenant) resolves nothing, as it did then.
        if (rls.Current is not { } context || (!context.IsPlatform && context.TenantId != scope.TenantId))
        {
            return 0;
        }

        var prefixes = scope.FilePrefixes;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One round trip, one implicit transaction: the tenant's context, then the check and the resolution in one statement.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                RowSecurity.ForTenant(scope.TenantId),
                new NpgsqlBatchCommand(Resolve)
                {
                    Parameters =
                    {
                        new() { Value = scope.TenantId },
                        new() { Value = scope.Scanner },
                        new() { Value = scope.Host },
                        new() { Value = scope.CommandId },
                        new() { Value = scope.Attempt },
                        new() { Value = Utc(scope.Now) },
                        new() { Value = (object?)scope.PathPrefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                        new() { Value = prefixes.Count > 0 ? prefixes[0] : "", NpgsqlDbType = NpgsqlDbType.Text },
                        new() { Value = prefixes.Count > 1 ? prefixes[1] : prefixes.Count > 0 ? prefixes[0] : "", NpgsqlDbType = NpgsqlDbType.Text },
                    },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt32(0);
    }

    public async Task<Finding?> SetStatusAsync(FindingStatusUpdate update, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // One transaction: the row lock, the status and its history row. No savepoint before SaveChanges (any failure
        // rolls the whole transaction back).
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var finding = await db.Findings
            .FromSqlInterpolated($"SELECT * FROM findings WHERE id = {update.FindingId} FOR UPDATE")
            .AsTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (finding is null || (update.TenantId is not null && finding.TenantId != update.TenantId))
        {
            return null;
        }

        if (finding.Status != update.Status)
        {
            db.FindingStatusHistory.Add(new FindingStatusChangeEntity
            {
                FindingId = finding.Id,
                TenantId = finding.TenantId,
                FromStatus = finding.Status,
                ToStatus = update.Status,
                Reason = Text(update.Reason),
                Actor = update.Actor,
                ChangedAt = Utc(update.Now),
            });
            finding.Status = update.Status;
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ToDomain(finding);
    }

    public async Task<IReadOnlyList<FindingStatusChange>> HistoryAsync(string findingId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = await db.FindingStatusHistory.Where(c => c.FindingId == findingId).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(c => new FindingStatusChange(c.FindingId, c.TenantId, c.FromStatus, c.ToStatus, c.Reason, c.Actor, c.CommandId, c.ChangedAt))];
    }

    /// <summary>The batch as one array per staging column, in batch order (see <see cref="FillStage"/>).</summary>
    private static NpgsqlBatchCommand Stage(IReadOnlyList<ObservedFinding> findings, IReadOnlyDictionary<string, AssetKind> kinds)
    {
        var n = findings.Count;
        var ord = new int[n];
        var line = new int[n];
        var column = new int[n];
        var port = new int[n];
        var texts = Enumerable.Range(0, 19).Select(_ => new string[n]).ToArray();
        for (var i = 0; i < n; i++)
        {
            var f = findings[i];
            ord[i] = i;
            line[i] = f.Line;
            column[i] = f.Column;
            port[i] = f.Port;
            // The asset: its identity and its host, normalized here.
            var kind = kinds.GetValueOrDefault(f.AssetKind) ?? new AssetKind(f.AssetKind, "", false);
            var assetKey = AssetIdentity.Normalize(kind, f.AssetValue);
            string[] row =
            [
                // Fresh ids: a finding's is kept only when the fingerprint is new to the tenant, an asset's when the asset is.
                SecretToken.NewId(), f.Fingerprint, Text(f.Scanner), Text(f.RuleId), Text(f.Title), SeverityWord(f.Severity),
                Text(f.AssetKind), Text(f.AssetValue), Text(f.Host), Text(f.File), Text(f.Protocol), Text(f.Message),
                ArrayLiteral(f.Cves), ArrayLiteral(f.Cwes), Text(f.Evidence),
                SecretToken.NewId(), Text(assetKey), Text(AssetIdentity.HostKey(kind, assetKey)), ArrayLiteral(VulnerabilityIds.Of(f)),
            ];
            for (var c = 0; c < row.Length; c++)
            {
                texts[c][i] = row[c];
            }
        }

        var command = new NpgsqlBatchCommand(FillStage);
        command.Parameters.Add(new NpgsqlParameter { Value = ord });
        for (var c = 0; c < 10; c++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = texts[c], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        command.Parameters.Add(new NpgsqlParameter { Value = line });
        command.Parameters.Add(new NpgsqlParameter { Value = column });
        command.Parameters.Add(new NpgsqlParameter { Value = port });
        for (var c = 10; c < 19; c++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = texts[c], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        return command;
    }

    /// <summary>A list as a PostgreSQL array literal (every element quoted, so any text survives the cast to text[]).</summary>
    private static string ArrayLiteral(IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return "{}";
        }

        var literal = new StringBuilder("{");
        for (var i = 0; i < values.Count; i++)
        {
            literal.Append(i == 0 ? "\"" : ",\"").Append(Text(values[i]).Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }

        return literal.Append('}').ToString();
    }

    /// <summary>PostgreSQL text cannot hold NUL, and one in a scanner's message must not make the batch undeliverable.</summary>
    private static string Text(string? value) =>
        value is null ? "" : value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

}
