namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Keys made of several parts joined by <see cref="Separator"/>, stored as one indexed string: LiteDB indexes a
/// single expression, and a common prefix makes one index range of every key that shares the leading parts.
/// Ids and fingerprints never contain the separator, and every character they use sorts below it.
/// </summary>
internal static class CompositeKey
{
    public const char Separator = '|';

    /// <summary>The parts, each followed by the separator: the first key of the range of keys that start with them.</summary>
    public static string Prefix(params ReadOnlySpan<string> parts) => string.Join(Separator, parts) + Separator;

    /// <summary>Above every key that starts with <paramref name="prefix"/>, below every key after that range.</summary>
    public static string UpperBound(string prefix) => prefix[..^1] + (char)(Separator + 1);
}
