namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// What one complete, successful attempt covered: the tenant's findings of <see cref="Scanner"/> on
/// <see cref="Host"/>, and for file scanners only files at or under <see cref="PathPrefix"/> (an absolute path,
/// without a trailing separator unless it is a root). The store resolves the open and reopened ones that the
/// attempt did not observe.
/// </summary>
public sealed record ResolveScope(
    string TenantId,
    string CommandId,
    int Attempt,
    string Scanner,
    string Host,
    string? PathPrefix,
    DateTimeOffset Now)
{
    /// <summary>
    /// The prefixes a file under <see cref="PathPrefix"/> starts with (either separator: agents run on Windows too).
    /// A file equal to the prefix (a single scanned file) is covered as well.
    /// </summary>
    public IReadOnlyList<string> FilePrefixes => PathPrefix is null ? []
        : PathPrefix.EndsWith('/') || PathPrefix.EndsWith('\\') ? [PathPrefix]
        : [PathPrefix + "/", PathPrefix + "\\"];

    /// <summary>Whether a finding's file is in the scope (always, for a scope without a path).</summary>
    public bool Covers(string file) =>
        PathPrefix is null || file == PathPrefix || FilePrefixes.Any(p => file.StartsWith(p, StringComparison.Ordinal));
}
