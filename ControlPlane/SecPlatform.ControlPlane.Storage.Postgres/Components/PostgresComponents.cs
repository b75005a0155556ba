using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Findings;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Components;

/// <summary>
/// Software components on assets. The ingest's components are one statement inside its transaction (after its
/// fenced check, with the tenant set): the batch as arrays (unnest), its assets upserted, its components upserted
/// (one row per asset and key), and the attempt's delivered count added to its scan counts, counting only the
/// components this attempt had not delivered since its claim (a resend counts once).
/// </summary>
internal sealed class PostgresComponents(PooledDbContextFactory<ControlPlaneDbContext> contexts, NpgsqlDataSource dataSource, RowSecurity rls)
{
    /// <summary>
    /// $1 tenant, $2 command, $3 attempt, $4 now, then the batch's columns as arrays. <c>{0}</c> is where the assets of the
    /// same batch's fresh findings join in (<see cref="UpsertWithFindingAssets"/>), so that a transaction locks every asset it
    /// touches in one pass, in (kind, value) order.
    /// </summary>
    private const string UpsertTemplate = """
        WITH input AS (
            SELECT DISTINCT ON (u.asset_kind, u.asset_value, u.component_key) u.*
            FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
                AS u(asset_id, asset_kind, asset_value, asset_host, component_id, component_key, name, version, purl, type)
            ORDER BY u.asset_kind, u.asset_value, u.component_key
        ),
        claim AS (
            SELECT claimed_at FROM commands WHERE id = $2
        ),
        assets_seen AS (
            INSERT INTO assets AS a (id, tenant_id, kind, value, host, first_seen, last_seen)
            SELECT DISTINCT ON (x.asset_kind, x.asset_value) x.asset_id, $1, x.asset_kind, x.asset_value, x.asset_host, $4, $4
            FROM (SELECT i.asset_id, i.asset_kind, i.asset_value, i.asset_host, 0 AS ord FROM input AS i{0}) AS x
            ORDER BY x.asset_kind, x.asset_value, x.ord
            ON CONFLICT (tenant_id, kind, value) DO UPDATE SET last_seen = GREATEST(a.last_seen, excluded.last_seen)
            RETURNING a.id, a.kind, a.value
        ),
        keyed AS (
            SELECT i.*, sa.id AS target_asset_id FROM input AS i JOIN assets_seen AS sa ON sa.kind = i.asset_kind AND sa.value = i.asset_value
        ),
        delivered AS (
            SELECT c.asset_id, c.component_key FROM asset_components AS c
            JOIN keyed AS k ON c.tenant_id = $1 AND c.asset_id = k.target_asset_id AND c.component_key = k.component_key
            WHERE c.last_command_id = $2 AND c.last_seen >= (SELECT claimed_at FROM claim)
        ),
        upserted AS (
            INSERT INTO asset_components AS c (id, tenant_id, asset_id, component_key, name, version, purl, type, first_seen, last_seen, last_command_id)
            SELECT k.component_id, $1, k.target_asset_id, k.component_key, k.name, k.version, k.purl, k.type, $4, $4, $2
            FROM keyed AS k
            ORDER BY k.target_asset_id, k.component_key
            ON CONFLICT (tenant_id, asset_id, component_key) DO UPDATE SET
                name = excluded.name, version = excluded.version, purl = excluded.purl, type = excluded.type,
                last_seen = GREATEST(c.last_seen, excluded.last_seen), last_command_id = excluded.last_command_id
        ),
        fresh AS (
            SELECT count(*) AS n FROM keyed AS k
            WHERE NOT EXISTS (SELECT 1 FROM delivered AS d WHERE d.asset_id = k.target_asset_id AND d.component_key = k.component_key)
        )
        INSERT INTO scan_counts AS s (command_id, tenant_id, attempt, new_findings, seen_again, resolved, info, low, medium, high, critical, components)
        SELECT $2, $1, $3, 0, 0, 0, 0, 0, 0, 0, 0, (SELECT n FROM fresh)
        ON CONFLICT (command_id) DO UPDATE SET
            components = excluded.components + CASE WHEN s.attempt = excluded.attempt THEN s.components ELSE 0 END,
            new_findings = CASE WHEN s.attempt = excluded.attempt THEN s.new_findings ELSE 0 END,
            seen_again = CASE WHEN s.attempt = excluded.attempt THEN s.seen_again ELSE 0 END,
            resolved = CASE WHEN s.attempt = excluded.attempt THEN s.resolved ELSE 0 END,
            info = CASE WHEN s.attempt = excluded.attempt THEN s.info ELSE 0 END,
            low = CASE WHEN s.attempt = excluded.attempt THEN s.low ELSE 0 END,
            medium = CASE WHEN s.attempt = excluded.attempt THEN s.medium ELSE 0 END,
            high = CASE WHEN s.attempt = excluded.attempt THEN s.high ELSE 0 END,
            critical = CASE WHEN s.attempt = excluded.attempt THEN s.critical ELSE 0 END,
            attempt = excluded.attempt
        """;

    /// <summary>
    /// A clean run's replacement, after checking the command: the asset's components that nobody reported since the
    /// attempt was claimed are removed. $1 tenant, $2 kind, $3 value, $4 claimed at.
    /// </summary>
    private const string Replace = """
        DELETE FROM asset_components AS c
        USING assets AS a
        WHERE a.tenant_id = $1 AND a.kind = $2 AND a.value = $3 AND c.asset_id = a.id AND c.last_seen < $4
        """;

    /// <summary>The components statement alone.</summary>
    public static readonly string Upsert = string.Format(CultureInfo.InvariantCulture, UpsertTemplate, "");

    /// <summary>
    /// The components statement of a batch that also carries findings: the assets of its fresh staged findings (the
    /// ingest's <c>finding_stage</c>) are upserted with the components' own, in the same pass, so the transaction takes
    /// its asset locks once, in (kind, value) order, as every ingest does, and never holds one asset while waiting for another
    /// out of order.
    /// </summary>
    public static readonly string UpsertWithFindingAssets = string.Format(CultureInfo.InvariantCulture, UpsertTemplate, """

                UNION ALL
                SELECT s.asset_id, s.asset_kind, s.asset_key, s.asset_host, 1 + s.ord FROM finding_stage AS s WHERE NOT s.observed
        """);

    /// <summary>The batch's components statement, for the ingest's write batch (which sets the tenant before it).</summary>
    public static NpgsqlBatchCommand Command(string tenantId, string commandId, int attempt, DateTimeOffset now,
        IReadOnlyList<ObservedComponent> components, IReadOnlyDictionary<string, AssetKind> kinds, bool withFindingAssets)
    {
        var columns = Enumerable.Range(0, 10).Select(_ => new string[components.Count]).ToArray();
        for (var i = 0; i < components.Count; i++)
        {
            var c = components[i];
            var kind = kinds.GetValueOrDefault(c.AssetKind) ?? new AssetKind(c.AssetKind, "", false);
            var value = AssetIdentity.Normalize(kind, c.AssetValue);
            string[] row = [SecretToken.NewId(), kind.Name, value, AssetIdentity.HostKey(kind, value), SecretToken.NewId(), c.Key, c.Name, c.Version, c.Purl, c.Type];
            for (var column = 0; column < row.Length; column++)
            {
                columns[column][i] = row[column].Replace('\0', '\uFFFD');
            }
        }

        var upsert = new NpgsqlBatchCommand(withFindingAssets ? UpsertWithFindingAssets : Upsert)
        {
            Parameters =
            {
                new() { Value = tenantId },
                new() { Value = commandId },
                new() { Value = attempt },
                new() { Value = Utc(now) },
            },
        };
        foreach (var column in columns)
        {
            upsert.Parameters.Add(new NpgsqlParameter { Value = column, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        return upsert;
    }

    public async Task<long> CountObservedAsync(string commandId, int attempt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var counts = await db.ScanCounts.FirstOrDefaultAsync(s => s.CommandId == commandId && s.Attempt == attempt, cancellationToken);
        return counts?.Components ?? 0;
    }

    public async Task<int> ReplaceAsync(ComponentScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await rls.ApplyAsync(connection, transaction, cancellationToken);
        if (await CleanRun.ClaimedAtAsync(connection, transaction, scope.CommandId, scope.TenantId, scope.Attempt, cancellationToken)
            is not { } claimedAt)
        {
            return 0;
        }

        int removed;
        await using (var delete = new NpgsqlCommand(Replace, connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = scope.TenantId });
            delete.Parameters.Add(new NpgsqlParameter { Value = scope.AssetKind });
            delete.Parameters.Add(new NpgsqlParameter { Value = scope.AssetValue });
            delete.Parameters.Add(new NpgsqlParameter { Value = Utc(claimedAt) });
            removed = await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public async Task<IReadOnlyList<AssetComponent>> ListAsync(string assetId, PageRequest page, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.AssetComponents.Where(c => c.AssetId == assetId);
        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.FirstSeen, c.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(c => c.FirstSeen).ThenBy(c => c.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(c => new AssetComponent(c.Id, c.TenantId, c.AssetId, c.Name, c.Version, c.Purl, c.Type, c.FirstSeen, c.LastSeen, c.LastCommandId))];
    }

    public async Task<long> CountAsync(string assetId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        return await db.AssetComponents.LongCountAsync(c => c.AssetId == assetId, cancellationToken);
    }
}
