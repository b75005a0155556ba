using System.Reflection;
using SecPlatform.ControlPlane.Storage.Postgres;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// The PostgreSQL store's own statements, read from its constants, so a raw baseline runs exactly the text the store
/// runs and follows it when it changes. A renamed constant fails the benchmark loudly instead of drifting.
/// </summary>
internal static class StoreSql
{
    private static readonly Assembly Store = typeof(PostgresMigrator).Assembly;

    /// <summary>The claim of up to <c>@max</c> commands of one tenant in one statement.</summary>
    public static string ClaimOfTenant => Constant("SecPlatform.ControlPlane.Storage.Postgres.Queue.PostgresCommandQueue", "ClaimOfTenant");

    /// <summary>The completion of a held command whose outcome does not depend on the row: one fenced <c>UPDATE</c>.</summary>
    public static string CompleteHeld => Constant("SecPlatform.ControlPlane.Storage.Postgres.Queue.PostgresCommandQueue", "CompleteHeld");

    private static string Constant(string typeName, string name)
    {
        var type = Store.GetType(typeName) ?? throw new InvalidOperationException($"{typeName} is not in {Store.GetName().Name}");
        var field = type.GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{typeName}.{name} is gone: update the benchmark's baseline");
        return field.GetRawConstantValue() as string ?? throw new InvalidOperationException($"{typeName}.{name} is not a string constant");
    }
}
