namespace SecPlatform.Agent.Scanners;

/// <summary>
/// A scan the command loop asks for: the command's id (for logs and the result), a scanner id of the catalog, its
/// typed parameters exactly as the control plane sent them, and optionally the command's timeout (capped by the
/// catalog entry's maximum; the entry's default applies when absent).
/// </summary>
public sealed record ScanRequest(string CommandId, string ScannerId, IReadOnlyDictionary<string, string> Parameters, TimeSpan? Timeout = null);
