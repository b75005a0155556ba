using Npgsql;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Storage.Postgres.Vulnerabilities;

/// <summary>
/// A tenant's view of vulnerabilities: aggregates over its links (<c>finding_vulnerabilities</c>, primary key
/// (tenant_id, vulnerability_id, finding_id)) joined to its findings. The query names the tenant, and row-level
/// security admits only the context's tenant's links and findings.
/// </summary>
internal sealed class PostgresVulnerabilities(NpgsqlDataSource dataSource, RowSecurity rls)
{
    // Open: the statuses a clean run can resolve.
    private const string Summary = """
        SELECT l.vulnerability_id, min(l.first_seen), count(*)::bigint,
            (count(*) FILTER (WHERE f.status IN ('open', 'reopened')))::bigint, count(DISTINCT f.asset_id)::bigint
        FROM finding_vulnerabilities AS l
        JOIN findings AS f ON f.id = l.finding_id AND f.tenant_id = l.tenant_id
        """;

    // $1 tenant, $2 after this vulnerability id, $3 limit: one range of the primary key, grouped in its order.
    private const string List = Summary + """

        WHERE l.tenant_id = $1 AND l.vulnerability_id > $2
        GROUP BY l.vulnerability_id
        ORDER BY l.vulnerability_id
        LIMIT $3
        """;

    private const string One = Summary + """

        WHERE l.tenant_id = $1 AND l.vulnerability_id = $2
        GROUP BY l.vulnerability_id
        """;

    private const string Affected = """
        SELECT f.asset_id, coalesce(a.kind, ''), coalesce(a.value, ''), count(*)::bigint,
            (count(*) FILTER (WHERE f.status IN ('open', 'reopened')))::bigint
        FROM finding_vulnerabilities AS l
        JOIN findings AS f ON f.id = l.finding_id AND f.tenant_id = l.tenant_id
        LEFT JOIN assets AS a ON a.id = f.asset_id AND a.tenant_id = f.tenant_id
        WHERE l.tenant_id = $1 AND l.vulnerability_id = $2
        GROUP BY f.asset_id, a.kind, a.value
        ORDER BY f.asset_id
        LIMIT $3
        """;

    public async Task<IReadOnlyList<TenantVulnerability>> ListAsync(string tenantId, PageRequest page, CancellationToken cancellationToken)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await rls.ApplyAsync(connection, transaction, cancellationToken);
        await using var command = new NpgsqlCommand(List, connection, transaction)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = page.After?.Id ?? "" }, new() { Value = limit } },
        };
        var result = new List<TenantVulnerability>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader, []));
        }

        return result;
    }

    public async Task<TenantVulnerability?> GetAsync(string tenantId, string vulnerabilityId, int maxAssets, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await rls.ApplyAsync(connection, transaction, cancellationToken);
        var affected = new List<AffectedAsset>();
        await using (var assets = new NpgsqlCommand(Affected, connection, transaction)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = vulnerabilityId }, new() { Value = maxAssets } },
        })
        {
            await using var reader = await assets.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                affected.Add(new AffectedAsset(reader.IsDBNull(0) ? "" : reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        if (affected.Count == 0)
        {
            return null;
        }

        await using var command = new NpgsqlCommand(One, connection, transaction)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = vulnerabilityId } },
        };
        await using var summary = await command.ExecuteReaderAsync(cancellationToken);
        return await summary.ReadAsync(cancellationToken) ? Read(summary, affected) : null;
    }

    private static TenantVulnerability Read(NpgsqlDataReader reader, IReadOnlyList<AffectedAsset> affected) => new()
    {
        Id = reader.GetString(0),
        FirstSeen = reader.GetFieldValue<DateTimeOffset>(1),
        Findings = reader.GetInt64(2),
        OpenFindings = reader.GetInt64(3),
        Assets = reader.GetInt64(4),
        AffectedAssets = affected,
    };
}
