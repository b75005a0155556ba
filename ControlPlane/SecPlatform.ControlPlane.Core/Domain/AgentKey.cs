namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>An agent key <c>spak_{Id}_{secret}</c>; only SHA-256(secret) is kept.</summary>
public sealed class AgentKey
{
    public required string Id { get; init; }
    public required string AgentId { get; init; }
    public required string SecretHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Set on rotation: the previous key keeps working until then.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
