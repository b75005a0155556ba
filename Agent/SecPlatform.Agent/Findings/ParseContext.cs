namespace SecPlatform.Agent.Findings;

/// <summary>
/// What a parser needs besides the output: the scanner id, the agent's host name (file assets belong to it), the
/// scanned host for network findings, and the directory relative paths in the output are relative to.
/// </summary>
public sealed record ParseContext(string ScannerId, string AgentHost, string WorkingDirectory, string? TargetHost = null);
