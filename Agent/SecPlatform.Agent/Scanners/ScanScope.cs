namespace SecPlatform.Agent.Scanners;

/// <summary>
/// What a run covered, for resolving findings it no longer reports: the agent's host and the scanned (real) path,
/// or the scanned address and ports.
/// </summary>
public sealed record ScanScope(string AgentHost, string? Path = null, string? Host = null, string? Address = null, string? Ports = null);
