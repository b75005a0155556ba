using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class AdminDocument
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public AdminRole Role { get; set; }
    public string? TenantId { get; set; }
    public string KeyHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? KeyRotatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string Sort { get; set; } = "";

    public static AdminDocument From(AdminUser admin) => new()
    {
        Id = admin.Id,
        Name = admin.Name,
        Role = admin.Role,
        TenantId = admin.TenantId,
        KeyHash = admin.KeyHash,
        CreatedAt = admin.CreatedAt,
        KeyRotatedAt = admin.KeyRotatedAt,
        RevokedAt = admin.RevokedAt,
        Sort = SortKey.Of(admin.CreatedAt, admin.Id),
    };

    public AdminUser ToDomain() => new()
    {
        Id = Id,
        Name = Name,
        Role = Role,
        TenantId = TenantId,
        KeyHash = KeyHash,
        CreatedAt = CreatedAt,
        KeyRotatedAt = KeyRotatedAt,
        RevokedAt = RevokedAt,
    };
}
