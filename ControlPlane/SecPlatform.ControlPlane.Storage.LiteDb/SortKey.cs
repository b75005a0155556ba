using System.Globalization;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// The (time, id) list order as one indexed string: LiteDB orders by a single expression, and
/// fixed-width ticks followed by the id compare exactly like the pair.
/// </summary>
internal static class SortKey
{
    public const string Field = "sort";

    public static string Of(DateTimeOffset time, string id) =>
        time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + id;
}
