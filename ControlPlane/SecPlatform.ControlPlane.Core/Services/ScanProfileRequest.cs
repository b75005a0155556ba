namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>An admin's request to create a scan profile: an enqueue's scan fields, with a name (zero means "default").</summary>
public sealed record ScanProfileRequest(
    string? Tenant,
    string? Name,
    string? Description,
    string? Scanner,
    IReadOnlyDictionary<string, string> Parameters,
    string? AgentId,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> RequiredCapabilities,
    int Priority,
    int MaxAttempts,
    int TimeoutSeconds);
