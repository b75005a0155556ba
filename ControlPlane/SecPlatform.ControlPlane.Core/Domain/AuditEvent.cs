namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>One link of the admin audit chain. <see cref="Hash"/> covers every other field and the previous hash.</summary>
public sealed class AuditEvent
{
    public required long Sequence { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string ActorId { get; init; }
    public required string Action { get; init; }
    public required string ResourceType { get; init; }
    public string ResourceId { get; init; } = "";
    public string? TenantId { get; init; }
    public required string Outcome { get; init; }
    public string PeerAddress { get; init; } = "";
    public string Detail { get; init; } = "";
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
}
