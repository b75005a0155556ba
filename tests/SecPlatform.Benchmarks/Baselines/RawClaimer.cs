using Npgsql;
using NpgsqlTypes;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// The store's claim for a tenant agent, raw: on one connection, prepared once, the store's one claim statement of
/// <c>batch</c> commands of the tenant in its own (implicit) transaction, as the store sends it; and for claim + complete
/// the store's completion (lock the row, update it, commit).
/// </summary>
internal sealed class RawClaimer : IAsyncDisposable
{
    private const string LockCommand = "SELECT * FROM commands WHERE id = $1 FOR UPDATE";

    private const string Complete = """
        UPDATE commands SET status = 'succeeded', status_reason = '', finished_at = $2, exit_code = 0, summary = 'ok', error = '',
            log_tail = '', finding_count = 0, truncated = false, stop_requested = false, deadline = NULL
        WHERE id = $1
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _claim;
    private readonly NpgsqlCommand _lock;
    private readonly NpgsqlCommand _complete;

    private RawClaimer(NpgsqlConnection connection, string tenantId, string agentId, int batch)
    {
        _connection = connection;
        _claim = new NpgsqlCommand(StoreSql.ClaimOfTenant, connection)
        {
            Parameters =
            {
                new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = DateTime.UtcNow },
                new NpgsqlParameter("agent", NpgsqlDbType.Text) { Value = agentId },
                new NpgsqlParameter("holder", NpgsqlDbType.Text) { Value = $"raw-{agentId}" },
                new NpgsqlParameter("labels", NpgsqlDbType.Jsonb) { Value = "{}" },
                new NpgsqlParameter("capabilities", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = new[] { "shellcheck" } },
                new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = tenantId },
                new NpgsqlParameter("max", NpgsqlDbType.Integer) { Value = batch },
            },
        };

        _lock = new NpgsqlCommand(LockCommand, connection) { Parameters = { new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "" } } };
        _complete = new NpgsqlCommand(Complete, connection)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DateTime.UtcNow },
            },
        };
    }

    public static async Task<RawClaimer> OpenAsync(NpgsqlDataSource dataSource, string tenantId, string agentId, int batch, bool complete,
        CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RowSecurityContext.SetSessionTenantAsync(connection, tenantId, cancellationToken);
        var claimer = new RawClaimer(connection, tenantId, agentId, batch);
        await claimer._claim.PrepareAsync(cancellationToken);
        if (complete)
        {
            await claimer._lock.PrepareAsync(cancellationToken);
            await claimer._complete.PrepareAsync(cancellationToken);
        }

        return claimer;
    }

    /// <summary>One claim statement; the ids claimed go into <paramref name="claimed"/>.</summary>
    public async Task ClaimAsync(List<string> claimed, CancellationToken cancellationToken)
    {
        _claim.Parameters[0].Value = DateTime.UtcNow;
        await using var reader = await _claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetString(0));
        }
    }

    /// <summary>The store's completion of one command: lock the row, update it, commit.</summary>
    public async Task CompleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        _lock.Parameters[0].Value = id;
        await using (var reader = await _lock.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
        }

        _complete.Parameters[0].Value = id;
        _complete.Parameters[1].Value = DateTime.UtcNow;
        await _complete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
