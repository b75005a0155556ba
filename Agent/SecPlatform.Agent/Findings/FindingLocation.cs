namespace SecPlatform.Agent.Findings;

/// <summary>Where in the asset: a file position (absolute path, 1-based line and column) or a network port.</summary>
public sealed record FindingLocation(
    string? File = null,
    int? Line = null,
    int? Column = null,
    int? EndLine = null,
    int? EndColumn = null,
    int? Port = null,
    string? Protocol = null);
