using Npgsql;
using NpgsqlTypes;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// The store's claim for a tenant agent, raw: on one connection, prepared once, the store's one claim statement of
/// <c>batch</c> commands of the tenant in its own (implicit) transaction, as the store sends it; and for claim + complete
/// the store's completion of a held command, its one fenced <c>UPDATE</c> (<c>CompleteHeld</c>), likewise.
/// </summary>
internal sealed class RawClaimer : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _claim;
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

        // $1 command, $2 agent, $3 fencing token, then the outcome: succeeded, exit code 0, nothing delivered.
        _complete = new NpgsqlCommand(StoreSql.CompleteHeld, connection)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = agentId },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = 0L },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "succeeded" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DateTime.UtcNow },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = 0 },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "ok" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "" },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = 0L },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = false },
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
            await claimer._complete.PrepareAsync(cancellationToken);
        }

        return claimer;
    }

    /// <summary>One claim statement; the commands claimed (id, fencing token) go into <paramref name="claimed"/>.</summary>
    public async Task ClaimAsync(List<(string Id, long FencingToken)> claimed, CancellationToken cancellationToken)
    {
        _claim.Parameters[0].Value = DateTime.UtcNow;
        await using var reader = await _claim.ExecuteReaderAsync(cancellationToken);
        var fencingToken = reader.GetOrdinal("fencing_token");
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add((reader.GetString(0), reader.GetInt64(fencingToken)));
        }
    }

    /// <summary>The store's completion of one held command: one fenced statement, its own (implicit) transaction.</summary>
    public async Task CompleteAsync((string Id, long FencingToken) command, CancellationToken cancellationToken)
    {
        _complete.Parameters[0].Value = command.Id;
        _complete.Parameters[2].Value = command.FencingToken;
        _complete.Parameters[5].Value = DateTime.UtcNow;
        if (await _complete.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"the raw completion of {command.Id} matched no row: the baseline would not be doing the work");
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
