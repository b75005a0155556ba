using Npgsql;
using NpgsqlTypes;
using SecPlatform.Testing;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>The run's PostgreSQL database: the owner's and the service role's connections, and seeding helpers.</summary>
internal sealed class PgDatabase(PostgresDatabase database) : IAsyncDisposable
{
    public PostgresDatabase Info { get; } = database;

    /// <summary>The owner's connections: seeding and VACUUM (set-up, not measured).</summary>
    public NpgsqlDataSource Owner { get; } = NpgsqlDataSource.Create(database.OwnerConnectionString);

    /// <summary>The service role's connections, as the control plane has them: every raw baseline runs as this role.</summary>
    public NpgsqlDataSource Service { get; } = NpgsqlDataSource.Create(database.ServiceConnectionString);

    /// <summary>
    /// Queues <paramref name="count"/> shellcheck commands for the tenant, as EnqueueCommand stores them (the seed
    /// of docs/claim-sql.md): no labels, capability shellcheck, priority 0, available over the last hour in id order.
    /// Ids are 12 characters (4-letter prefix + number), as the API requires.
    /// </summary>
    public async Task<string> SeedQueuedAsync(string tenantId, int count, CancellationToken cancellationToken)
    {
        var prefix = Random.Shared.GetString("abcdefghijklmnopqrstuvwxyz", 4);
        await using var command = Owner.CreateCommand("""
            INSERT INTO commands (id, tenant_id, scanner, parameters, selector_labels, required_capabilities, priority, max_attempts, attempt,
              timeout_seconds, not_before, expires_at, request_hash, status, status_reason, available_at, sort_key, fencing_token, cancel_requested,
              stop_requested, created_at, created_by, summary, error, log_tail, truncated, progress_percent, progress_message)
            SELECT $2 || lpad(g::text, 8, '0'), $1, 'shellcheck', '{"path": "/srv/app"}', '{}', '{shellcheck}', 0, 3, 0,
              600, t.at, now() + interval '1 day', 'h', 'queued', '', t.at, t.at, 0, false,
              false, t.at, 'bench', '', '', '', false, 0, ''
            FROM generate_series(1, $3) AS g, LATERAL (SELECT now() - interval '1 hour' + g * interval '10 microseconds' AS at) AS t
            """);
        command.CommandTimeout = 600;
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = prefix });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = count });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return prefix;
    }

    /// <summary>Fresh statistics and a clean visibility map after seeding, for the API run and the raw run alike.</summary>
    public async Task VacuumAnalyzeAsync(CancellationToken cancellationToken)
    {
        await using var command = Owner.CreateCommand("VACUUM ANALYZE");
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Owner.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Owner.DisposeAsync();
        await Service.DisposeAsync();
    }
}
