using Npgsql;

namespace SecPlatform.ControlPlane.Storage.Postgres.Findings;

/// <summary>
/// The check the post-completion writers make: only the latest attempt of a command that succeeded and was not
/// truncated may change what the tenant's earlier runs reported. The command row is share-locked for the rest of the
/// caller's transaction. The component replacement runs it as its own statement; the finding resolution
/// (<see cref="PostgresFindings.Resolve"/>) has the same check as a CTE of its one statement (one round trip).
/// </summary>
internal static class CleanRun
{
    private const string Check =
        "SELECT attempt, status, truncated, claimed_at FROM commands WHERE id = $1 AND tenant_id = $2 FOR SHARE";

    /// <summary>When the attempt was claimed, or null when the command does not qualify.</summary>
    public static async Task<DateTimeOffset?> ClaimedAtAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string commandId,
        string tenantId, int attempt, CancellationToken cancellationToken)
    {
        await using var check = new NpgsqlCommand(Check, connection, transaction);
        check.Parameters.Add(new NpgsqlParameter { Value = commandId });
        check.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.GetInt32(0) != attempt || reader.GetString(1) != "succeeded"
            || reader.GetBoolean(2) || reader.IsDBNull(3))
        {
            return null;
        }

        return reader.GetFieldValue<DateTimeOffset>(3);
    }
}
