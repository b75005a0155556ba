namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>A one-time (or N-time) registration token <c>spbt_{Id}_{secret}</c>; only SHA-256(secret) is kept.</summary>
public sealed class BootstrapToken
{
    public required string Id { get; init; }
    /// <summary>Null for a platform token (agents that may serve any tenant).</summary>
    public string? TenantId { get; init; }
    public required string SecretHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required int MaxUses { get; init; }
    public int UsedCount { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public List<string> Cidrs { get; init; } = [];
    public DateTimeOffset? RevokedAt { get; init; }
    public required string CreatedBy { get; init; }

    public bool IsPlatform => TenantId is null;

    /// <summary>Whether a use may still be consumed at <paramref name="now"/>.</summary>
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now && UsedCount < MaxUses;
}
