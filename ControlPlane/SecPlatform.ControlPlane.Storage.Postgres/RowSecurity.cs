using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;

namespace SecPlatform.ControlPlane.Storage.Postgres;

/// <summary>
/// Sets the row-level security context of a transaction from the call's <see cref="TenantContext"/>:
/// <c>app.tenant_id</c> for a tenant, <c>app.platform = on</c> for the platform, both with
/// <c>set_config(..., true)</c> so they end with the transaction and never leak through the connection pool.
/// With no context the policies admit no tenant's rows (fail closed).
/// </summary>
internal sealed class RowSecurity(TenantContext? fallback)
{
    public const string TenantSetting = "app.tenant_id";
    public const string PlatformSetting = "app.platform";

    private const string Apply = $"SELECT set_config('{TenantSetting}', $1, true), set_config('{PlatformSetting}', $2, true)";

    /// <summary>The call's context, else the store's fallback (tests of the store contract only; null in the service).</summary>
    public TenantContext? Current => TenantContext.Current ?? fallback;

    public NpgsqlBatchCommand Command() => Command(Values(Current));

    /// <summary>The context of <paramref name="values"/> (from <see cref="Values()"/>, taken in the call's flow).</summary>
    public static NpgsqlBatchCommand Command((string Tenant, string Platform) values) =>
        new(Apply) { Parameters = { new() { Value = values.Tenant }, new() { Value = values.Platform } } };

    /// <summary>
    /// One tenant's context, whatever the call's: the ingest writes in the command's tenant only, even for a platform
    /// agent (platform context off).
    /// </summary>
    public static NpgsqlBatchCommand ForTenant(string tenantId) => Command((tenantId, "off"));

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var (tenant, platform) = Values(Current);
        await using var command = new NpgsqlCommand(Apply, connection, transaction)
        {
            Parameters = { new() { Value = tenant }, new() { Value = platform } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Begins a transaction on <paramref name="db"/> in the call's context. It costs no round trip of its own: Npgsql
    /// sends BEGIN with the first statement, and <see cref="Data.RowSecurityCommandInterceptor"/> the context with
    /// every EF statement.
    /// </summary>
    public async Task<IDbContextTransaction> BeginAsync(ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        // Any failure rolls the whole transaction back, so EF's savepoint before each SaveChanges is a wasted round trip.
        db.Database.AutoSavepointsEnabled = false;
        return await db.Database.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>The setting values of the call's context.</summary>
    public (string Tenant, string Platform) Values() => Values(Current);

    // An empty tenant matches no row; "off" is anything but "on".
    private static (string Tenant, string Platform) Values(TenantContext? context) => context switch
    {
        null => ("", "off"),
        { IsPlatform: true } => ("", "on"),
        _ => (context.TenantId!, "off"),
    };
}
