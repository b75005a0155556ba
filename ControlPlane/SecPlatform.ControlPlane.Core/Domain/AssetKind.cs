namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// A kind of asset, stored as data (the <c>asset_kinds</c> table or collection), so a new kind is a row, not a code
/// change. <see cref="BelongsToHost"/>: its values are <c>host:/path</c> and identify an asset only together with the host.
/// </summary>
public sealed record AssetKind(string Name, string Description, bool BelongsToHost)
{
    /// <summary>The kinds every store is seeded with.</summary>
    public static IReadOnlyList<AssetKind> Seed { get; } =
    [
        new("host", "A machine, by host name", false),
        new("ip", "A network address", false),
        new("url", "A web address", false),
        new("repository", "A source repository", false),
        new("path", "A file or directory on a host (host:/absolute/path)", true),
    ];
}
