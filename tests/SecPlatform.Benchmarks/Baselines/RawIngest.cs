using Npgsql;
using NpgsqlTypes;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// The least SQL that stores the same findings (docs/findings-ingest.md, "Rates"): per batch, a temporary staging
/// table of the finding's columns, a binary COPY, one INSERT ... SELECT ... ON CONFLICT (tenant_id, fingerprint) DO
/// UPDATE, commit. No command lock, no observations, no tenant setting: what any correct bulk upsert of these rows must
/// do. Its own staging table (not the store's), so the baseline stays the minimum when the store stages more.
/// </summary>
internal sealed class RawIngest(NpgsqlDataSource dataSource, string tenantId, string commandId)
{
    private const string CreateStage = """
        CREATE TEMP TABLE finding_stage (
            id text COLLATE "C" NOT NULL, fingerprint text COLLATE "C" NOT NULL,
            scanner text NOT NULL, rule_id text NOT NULL, title text NOT NULL, severity text NOT NULL,
            asset_kind text NOT NULL, asset_value text NOT NULL, host text NOT NULL, file text NOT NULL,
            line integer NOT NULL, "column" integer NOT NULL, port integer NOT NULL, protocol text NOT NULL,
            message text NOT NULL, cves text[] NOT NULL, cwes text[] NOT NULL, evidence text NOT NULL
        ) ON COMMIT DROP
        """;

    private const string CopyStage = """
        COPY finding_stage (id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value, host, file,
            line, "column", port, protocol, message, cves, cwes, evidence) FROM STDIN (FORMAT BINARY)
        """;

    private const string Upsert = """
        INSERT INTO findings AS f (id, tenant_id, fingerprint, scanner, rule_id, title, severity, asset_kind, asset_value,
            host, file, line, "column", port, protocol, message, cves, cwes, evidence,
            first_seen, last_seen, occurrences, last_command_id)
        SELECT n.id, $1, n.fingerprint, n.scanner, n.rule_id, n.title, n.severity, n.asset_kind, n.asset_value,
            n.host, n.file, n.line, n."column", n.port, n.protocol, n.message, n.cves, n.cwes, n.evidence,
            $3, $3, 1, $2
        FROM finding_stage AS n
        ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET
            scanner = excluded.scanner, rule_id = excluded.rule_id, title = excluded.title, severity = excluded.severity,
            asset_kind = excluded.asset_kind, asset_value = excluded.asset_value, host = excluded.host, file = excluded.file,
            line = excluded.line, "column" = excluded."column", port = excluded.port, protocol = excluded.protocol,
            message = excluded.message, cves = excluded.cves, cwes = excluded.cwes, evidence = excluded.evidence,
            last_seen = excluded.last_seen, occurrences = f.occurrences + 1, last_command_id = excluded.last_command_id
        """;

    public async Task IngestAsync(IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One round trip: the tenant for row-level security (this transaction only: the connection is pooled), the stage.
        await using (var create = new NpgsqlBatch(connection, transaction))
        {
            create.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT set_config('{RowSecurityContext.TenantSetting}', $1, true)")
            {
                Parameters = { new NpgsqlParameter { Value = tenantId } },
            });
            create.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(CopyStage, cancellationToken))
        {
            for (var i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(SecretToken.NewId(), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Fingerprint, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Scanner, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.RuleId, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Title, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync("medium", NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.AssetKind, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.AssetValue, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Host, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.File, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Line, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(f.Column, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(f.Port, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(f.Protocol, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Message, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Cves.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Cwes.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(f.Evidence, NpgsqlDbType.Text, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var upsert = new NpgsqlCommand(Upsert, connection, transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = tenantId });
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = commandId });
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DateTime.UtcNow });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
