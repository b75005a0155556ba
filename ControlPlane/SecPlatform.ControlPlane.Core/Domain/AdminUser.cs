namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>An admin. Its API key is <c>spadm_{Id}_{secret}</c>; only the bcrypt hash is kept.</summary>
public sealed class AdminUser
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required AdminRole Role { get; init; }
    /// <summary>Null for an admin of the whole platform.</summary>
    public string? TenantId { get; init; }
    public required string KeyHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? KeyRotatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}
