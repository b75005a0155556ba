namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// The normalized value that identifies an asset within (tenant, kind), so that two agents that report the same
/// host, address or repository meet on one asset. Host names and addresses compare case-insensitively and without a
/// trailing dot; a URL's scheme and authority likewise; a repository without a trailing slash; a value that belongs to
/// a host (<c>host:/path</c>) keeps its path's case (file systems differ) but has its host part normalized. Other
/// kinds (added as data) are trimmed only.
/// </summary>
public static class AssetIdentity
{
    public static string Normalize(AssetKind kind, string value)
    {
        var trimmed = value.Trim();
        if (kind.BelongsToHost)
        {
            return HostOf(kind, trimmed) is { } host ? HostName(host) + trimmed[host.Length..] : trimmed;
        }

        return kind.Name switch
        {
            "host" or "ip" => HostName(trimmed),
            "url" => Url(trimmed),
            "repository" => trimmed.TrimEnd('/'),
            _ => trimmed,
        };
    }

    /// <summary>The host part of a value of a kind that belongs to a host (<c>host:/path</c>), normalized; else null.</summary>
    public static string? HostOf(AssetKind kind, string value)
    {
        if (!kind.BelongsToHost)
        {
            return null;
        }

        // Windows paths carry a drive letter after the host ("web-1:C:\src"): the host is everything before the first ':'.
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? value[..colon].Trim() : null;
    }

    /// <summary>The normalized host of a value that belongs to a host, or "" (for the asset's host column).</summary>
    public static string HostKey(AssetKind kind, string value) => HostOf(kind, value.Trim()) is { } host ? HostName(host) : "";

    private static string HostName(string host) => host.TrimEnd('.').ToLowerInvariant();

    // Scheme and authority are case-insensitive; the rest of a URL is not.
    private static string Url(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return url;
        }

        var pathStart = url.IndexOf('/', scheme + 3);
        var authorityEnd = pathStart < 0 ? url.Length : pathStart;
        return url[..authorityEnd].ToLowerInvariant() + url[authorityEnd..];
    }
}
