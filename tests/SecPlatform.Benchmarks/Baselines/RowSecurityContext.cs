using Npgsql;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// Row-level security on tenant-owned tables admits the service role only to rows of the tenant named in
/// <c>app.tenant_id</c>. A raw baseline serves one tenant per connection, so it names the tenant once per session: the
/// least a correct client must do (the store, on pooled connections, sets it per transaction).
/// </summary>
internal static class RowSecurityContext
{
    public const string TenantSetting = "app.tenant_id";

    public static async Task SetSessionTenantAsync(NpgsqlConnection connection, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT set_config('{TenantSetting}', $1, false)", connection)
        {
            Parameters = { new NpgsqlParameter { Value = tenantId } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
