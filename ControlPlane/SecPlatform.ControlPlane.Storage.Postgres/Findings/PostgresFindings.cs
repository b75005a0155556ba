using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
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
internal sealed class PostgresFindings(PooledDbContextFactory<ControlPlaneDbContext> contexts, NpgsqlDataSource dataSource)
{
    /// <summary>The setting the row-level security policies of tenant-owned tables compare tenant_id with.</summary>
    public const string TenantSetting = "app.tenant_id";

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
            message text NOT NULL, cves text[] NOT NULL, cwes text[] NOT NULL, evidence text NOT NULL
        ) ON COMMIT DROP
        """;

    private const string CopyStage = """
        COPY finding_stage (ord, id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value, host, file,
            line, "column", port, protocol, message, cves, cwes, evidence) FROM STDIN (FORMAT BINARY)
        """;

    private const string SetTenant = $"SELECT set_config('{TenantSetting}', $1, true)";

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
    public const string Upsert = """
        WITH batch AS (
            SELECT DISTINCT ON (s.fingerprint) s.* FROM finding_stage AS s ORDER BY s.fingerprint, s.ord
        ),
        fresh AS (
            SELECT b.* FROM batch AS b
            WHERE NOT EXISTS (
                SELECT 1 FROM finding_observations AS o
                WHERE o.command_id = $2 AND o.attempt = $3 AND o.fingerprint = b.fingerprint)
        ),
        upserted AS (
            INSERT INTO findings AS f (id, tenant_id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value,
                host, file, line, "column", port, protocol, message, cves, cwes, evidence,
                first_seen, last_seen, occurrences, last_command_id)
            SELECT n.id, $1, n.fingerprint, n.scanner, n.rule_id, n.title, n.severity, n.asset_kind, n.asset_value,
                n.host, n.file, n.line, n."column", n.port, n.protocol, n.message, n.cves, n.cwes, n.evidence,
                $4, $4, 1, $2
            FROM fresh AS n
            ORDER BY n.fingerprint
            ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET
                scanner = excluded.scanner, rule_id = excluded.rule_id, title = excluded.title, severity = excluded.severity,
                asset_kind = excluded.asset_kind, asset_value = excluded.asset_value, host = excluded.host, file = excluded.file,
                line = excluded.line, "column" = excluded."column", port = excluded.port, protocol = excluded.protocol,
                message = excluded.message, cves = excluded.cves, cwes = excluded.cwes, evidence = excluded.evidence,
                last_seen = excluded.last_seen, occurrences = f.occurrences + 1, last_command_id = excluded.last_command_id
            RETURNING f.id, f.fingerprint
        ),
        observed AS (
            INSERT INTO finding_observations (tenant_id, command_id, attempt, fingerprint, finding_id, observed_at)
            SELECT $1, $2, $3, u.fingerprint, u.id, $4 FROM upserted AS u
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM batch)::integer, (SELECT count(*) FROM observed)::integer
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
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockCommand) { Parameters = { new() { Value = reference.CommandId } } });
            if (ingest.Findings.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
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

        if (ingest.Findings.Count == 0)
        {
            return new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 0);
        }

        await StageAsync(connection, ingest.Findings, cancellationToken);

        int distinct, fresh;
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(new NpgsqlBatchCommand(SetTenant) { Parameters = { new() { Value = tenantId } } });
            write.BatchCommands.Add(new NpgsqlBatchCommand(Upsert)
            {
                Parameters =
                {
                    new() { Value = tenantId },
                    new() { Value = reference.CommandId },
                    new() { Value = attempt },
                    new() { Value = now },
                },
            });
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
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM finding_observations WHERE command_id = $1 AND attempt = $2");
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

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(f => EF.Functions.GreaterThan(ValueTuple.Create(f.FirstSeen, f.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(f => f.FirstSeen).ThenBy(f => f.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    public async Task<Finding?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Findings.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    /// <summary>Binary COPY of the batch, in batch order (the first report of a repeated fingerprint wins).</summary>
    private static async Task StageAsync(NpgsqlConnection connection, IReadOnlyList<ObservedFinding> findings, CancellationToken cancellationToken)
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
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>PostgreSQL text cannot hold NUL, and one in a scanner's message must not make the batch undeliverable.</summary>
    private static string Text(string? value) =>
        value is null ? "" : value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    private static string[] Texts(List<string>? values) => values is null ? [] : [.. values.Select(Text)];
}
