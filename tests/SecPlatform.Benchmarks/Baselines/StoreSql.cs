using System.Reflection;
using System.Text.RegularExpressions;
using SecPlatform.ControlPlane.Storage.Postgres;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// The PostgreSQL store's own statements, read from its constants, so a raw baseline runs exactly the text the store
/// runs and follows it when it changes. A renamed constant fails the benchmark loudly instead of drifting.
/// </summary>
internal static partial class StoreSql
{
    private static readonly Assembly Store = typeof(PostgresMigrator).Assembly;

    public static string TenantsInTurnOrder => Constant("SecPlatform.ControlPlane.Storage.Postgres.Queue.PostgresCommandQueue", "TenantsInTurnOrder");

    public static string ClaimOneOfTenant => Constant("SecPlatform.ControlPlane.Storage.Postgres.Queue.PostgresCommandQueue", "ClaimOneOfTenant");

    /// <summary>The claim statement with <c>LIMIT n</c>: n commands of the tenant in one statement.</summary>
    public static string ClaimOfTenant(int n)
    {
        var sql = ClaimOneOfTenant;
        var changed = LimitOne().Replace(sql, $"LIMIT {n}$1", 1);
        return changed != sql ? changed : throw new InvalidOperationException("the store's claim statement no longer has 'LIMIT 1 ... FOR UPDATE SKIP LOCKED'");
    }

    private static string Constant(string typeName, string name)
    {
        var type = Store.GetType(typeName) ?? throw new InvalidOperationException($"{typeName} is not in {Store.GetName().Name}");
        var field = type.GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{typeName}.{name} is gone: update the benchmark's baseline");
        return field.GetRawConstantValue() as string ?? throw new InvalidOperationException($"{typeName}.{name} is not a string constant");
    }

    [GeneratedRegex(@"LIMIT 1(\s+FOR UPDATE SKIP LOCKED)")]
    private static partial Regex LimitOne();
}
