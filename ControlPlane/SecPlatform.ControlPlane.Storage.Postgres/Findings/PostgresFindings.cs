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
/// The findings half of the PostgreSQL store. An ingest is one transaction of four round trips whatever the batch
/// size: lock and check the command row (and create the staging table), binary COPY of the batch into the staging
/// table, one statement that writes the findings and observations, commit. The staging table is temporary, so the
/// COPY never targets a table with row-level security (PostgreSQL refuses that), and the statement that writes the
/// tenant's tables runs with <c>app.tenant_id</c> set for the transaction, which the row-level security policies
/// will read. See docs/findings-ingest.md.
/// </summary>
internal sealed class PostgresFindings(PooledDbContextFactory<ControlPlaneDbContext> contexts, NpgsqlDataSource dataSource, RowSecurity rls)
{
    private IReadOnlyDictionary<string, AssetKind>? _assetKinds;

    // The agent's fenced reference, checked under the row lock as every command update checks it. The lock also
    // serializes the ingests of one attempt, which makes the staged batch's "not observed yet" test exact.
    private const string LockCommand = "SELECT agent_id, fencing_token, status, attempt, tenant_id FROM commands WHERE id = $1 FOR UPDATE";

    // Per transaction: nothing to clean up on a pooled connection, and it works through a transaction-mode pooler.
    private const string CreateStage = """
        CREATE TEMP TABLE finding_stage (
            ord integer NOT NULL, id text COLLATE "C" NOT NULL, fingerprint text COLLATE "C" NOT NULL,
            scanner text NOT NULL, rule_id text NOT NULL, title text NOT NULL, severity text NOT NULL,
            asset_kind text NOT NULL, asset_value text NOT NULL, host text NOT NULL, file text NOT NULL,
            line integer NOT NULL, "column" integer NOT NULL, port integer NOT NULL, protocol text NOT NULL,
            message text NOT NULL, cves text[] NOT NULL, cwes text[] NOT NULL, evidence text NOT NULL,
            asset_id text COLLATE "C" NOT NULL, asset_key text NOT NULL, asset_host text NOT NULL,
            vulnerability_ids text[] COLLATE "C" NOT NULL
        ) ON COMMIT DROP
        """;

    private const string CopyStage = """
        COPY finding_stage (ord, id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value, host, file,
            line, "column", port, protocol, message, cves, cwes, evidence, asset_id, asset_key, asset_host, vulnerability_ids) FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// The batch, first report of each fingerprint; the fingerprints this attempt has not delivered yet; their
    /// findings inserted or updated (one row each, so ON CONFLICT never meets a row twice); then their
    /// observations, carrying the finding ids the upsert returned. The observations are written last because the
    /// parts of one statement share a snapshot: an UPDATE here could not see observations inserted by a sibling
    /// part, so finding_id could not be filled in afterwards. Rows go in in fingerprint order, so two ingests of one
    /// tenant that meet on the same findings (two agents seeing the same service) wait for each other in one
    /// direction only and never deadlock.
    /// $1 tenant, $2 command, $3 attempt, $4 now.
    /// </summary>
    public const string Upsert = $"""
        WITH batch AS (
            SELECT DISTINCT ON (s.fingerprint) s.* FROM finding_stage AS s ORDER BY s.fingerprint, s.ord
        ),
        fresh AS (
            SELECT b.* FROM batch AS b
            WHERE NOT EXISTS (
                SELECT 1 FROM finding_observations AS o
                WHERE o.command_id = $2 AND o.attempt = $3 AND o.fingerprint = b.fingerprint)
        ),
        assets_seen AS (
            INSERT INTO assets AS a (id, tenant_id, kind, value, host, first_seen, last_seen)
            SELECT DISTINCT ON (n.asset_kind, n.asset_key) n.asset_id, $1, n.asset_kind, n.asset_key, n.asset_host, $4, $4
            FROM fresh AS n
            ORDER BY n.asset_kind, n.asset_key, n.ord
            ON CONFLICT (tenant_id, kind, value) DO UPDATE SET last_seen = GREATEST(a.last_seen, excluded.last_seen)
            RETURNING a.id, a.kind, a.value
        ),
        upserted AS (
            INSERT INTO findings AS f (id, tenant_id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value,
                host, file, line, "column", port, protocol, message, cves, cwes, evidence,
                first_seen, last_seen, occurrences, last_command_id, asset_id)
            SELECT n.id, $1, n.fingerprint, n.scanner, n.rule_id, n.title, n.severity, n.asset_kind, n.asset_value,
                n.host, n.file, n.line, n."column", n.port, n.protocol, n.message, n.cves, n.cwes, n.evidence,
                $4, $4, 1, $2, sa.id
            FROM fresh AS n
            JOIN assets_seen AS sa ON sa.kind = n.asset_kind AND sa.value = n.asset_key
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
        {PostgresScans.CountFindingsCte}
        SELECT (SELECT count(*) FROM batch)::integer, (SELECT count(*) FROM observed)::integer
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
    /// After the upsert, as its own statement so that its snapshot sees the links of a concurrent ingest that the upsert
    /// waited for: the links of the batch's findings whose latest report is this command's and no longer names them.
    /// The upsert holds those findings' row locks until commit, so no later report can interleave.
    /// $1 tenant, $2 command.
    /// </summary>
    public const string Unlink = """
        DELETE FROM finding_vulnerabilities AS l
        USING findings AS f
        JOIN (SELECT DISTINCT ON (s.fingerprint) s.fingerprint, s.vulnerability_ids FROM finding_stage AS s ORDER BY s.fingerprint, s.ord) AS n
            ON n.fingerprint = f.fingerprint
        WHERE f.tenant_id = $1 AND f.last_command_id = $2 AND l.tenant_id = $1 AND l.finding_id = f.id
          AND NOT (l.vulnerability_id = ANY (n.vulnerability_ids))
        """;

    /// <summary>
    /// Before the upsert, in the same transaction: the batch's fresh fingerprints whose finding is resolved become
    /// reopened, with a history row each. The rows are locked in fingerprint order (the upsert's order), and the
    /// status is checked again on the locked row, so two runs reopening one finding write one change.
    /// $1 tenant, $2 command, $3 attempt, $4 now.
    /// </summary>
    public const string Reopen = """
        WITH target AS (
            SELECT f.id, f.status FROM findings AS f
            WHERE f.tenant_id = $1 AND f.status = 'resolved'
              AND f.fingerprint IN (
                SELECT s.fingerprint FROM finding_stage AS s
                WHERE NOT EXISTS (
                    SELECT 1 FROM finding_observations AS o
                    WHERE o.command_id = $2 AND o.attempt = $3 AND o.fingerprint = s.fingerprint))
            ORDER BY f.fingerprint
            FOR UPDATE OF f
        ),
        reopened AS (
            UPDATE findings AS f SET status = 'reopened'
            FROM target AS t
            WHERE f.id = t.id AND f.status = 'resolved'
            RETURNING f.id
        )
        INSERT INTO finding_status_history (finding_id, tenant_id, from_status, to_status, reason, actor, command_id, changed_at)
        SELECT r.id, $1, 'resolved', 'reopened', 'seen again', 'system', $2, $4 FROM reopened AS r
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One round trip: the lock and check, and the staging table (dropped with the rollback when the check fails).
        string tenantId;
        int attempt;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // The call's context first (the agent's tenant, or the platform for a platform agent): the lock must see the row.
            batch.BatchCommands.Add(rls.Command());
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockCommand) { Parameters = { new() { Value = reference.CommandId } } });
            if (ingest.Findings.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0) || reader.GetString(0) != reference.AgentId)
            {
                return new FindingIngestResult(CommandUpdateOutcome.NotFound, 0, 0);
            }

            var active = reader.GetString(2) is "claimed" or "running";
            if (reader.GetInt64(1) != reference.FencingToken || !active)
            {
                return new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0);
            }

            attempt = reader.GetInt32(3);
            tenantId = reader.GetString(4);
        }

        var kinds = await AssetKindsAsync(cancellationToken);
        if (ingest.Components is { Count: > 0 } components)
        {
            await PostgresComponents.WriteAsync(connection, transaction, RowSecurity.ForTenant(tenantId),
                tenantId, reference.CommandId, attempt, ingest.Now, components, kinds, cancellationToken);
        }

        if (ingest.Findings.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 0);
        }

        await StageAsync(connection, ingest.Findings, kinds, cancellationToken);

        int distinct, fresh;
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(RowSecurity.ForTenant(tenantId));
            write.BatchCommands.Add(new NpgsqlBatchCommand(CreateVulnerabilities) { Parameters = { new() { Value = now } } });
            foreach (var sql in (string[])[Reopen, Upsert])
            {
                write.BatchCommands.Add(new NpgsqlBatchCommand(sql)
                {
                    Parameters =
                    {
                        new() { Value = tenantId },
                        new() { Value = reference.CommandId },
                        new() { Value = attempt },
                        new() { Value = now },
                    },
                });
            }

            write.BatchCommands.Add(new NpgsqlBatchCommand(Unlink) { Parameters = { new() { Value = tenantId }, new() { Value = reference.CommandId } } });

            // Result sets: set_config's, then the upsert's (the vulnerability, reopen and unlink statements return no rows).
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            distinct = reader.GetInt32(0);
            fresh = reader.GetInt32(1);
        }

        await transaction.CommitAsync(cancellationToken);
        return new FindingIngestResult(CommandUpdateOutcome.Applied, fresh, distinct - fresh);
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

    /// <summary>Binary COPY of the batch, in batch order (the first report of a repeated fingerprint wins).</summary>
    private static async Task StageAsync(NpgsqlConnection connection, IReadOnlyList<ObservedFinding> findings,
        IReadOnlyDictionary<string, AssetKind> kinds, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(CopyStage, cancellationToken);
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            // A fresh id per row: it is kept only when the fingerprint is new to the tenant.
            await writer.WriteAsync(SecretToken.NewId(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(f.Fingerprint, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.Scanner), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.RuleId), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.Title), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(SeverityWord(f.Severity), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.AssetKind), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.AssetValue), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.Host), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.File), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(f.Line, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(f.Column, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(f.Port, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(Text(f.Protocol), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.Message), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Texts(f.Cves), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Texts(f.Cwes), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(f.Evidence), NpgsqlDbType.Text, cancellationToken);
            // The asset: a fresh id (kept only when the asset is new), its identity and its host, normalized here.
            var kind = kinds.GetValueOrDefault(f.AssetKind) ?? new AssetKind(f.AssetKind, "", false);
            var assetKey = AssetIdentity.Normalize(kind, f.AssetValue);
            await writer.WriteAsync(SecretToken.NewId(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(assetKey), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Text(AssetIdentity.HostKey(kind, assetKey)), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(VulnerabilityIds.Of(f).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>PostgreSQL text cannot hold NUL, and one in a scanner's message must not make the batch undeliverable.</summary>
    private static string Text(string? value) =>
        value is null ? "" : value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    private static string[] Texts(List<string>? values) => values is null ? [] : [.. values.Select(Text)];
}
