namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class AdminUserEntity
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The role as the CLI spells it (<c>super_admin</c>, ...), readable in a database dump.</summary>
    public string Role { get; set; } = "";
    public string? TenantId { get; set; }
    public string KeyHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? KeyRotatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
