namespace SecPlatform.ControlPlane.Core.Domain;

public sealed class Agent
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Hostname { get; init; } = "";
    public string Os { get; init; } = "";
    public string Arch { get; init; } = "";
    public string Version { get; init; } = "";
    /// <summary>Null for a platform agent.</summary>
    public string? TenantId { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public List<Capability> Capabilities { get; init; } = [];
    public required DateTimeOffset RegisteredAt { get; init; }
    public required string BootstrapTokenId { get; init; }
    public bool Cordoned { get; init; }
    public bool Draining { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset? DeregisteredAt { get; init; }

    public bool IsPlatform => TenantId is null;
}
