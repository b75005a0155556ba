namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class BootstrapTokenEntity
{
    public string Id { get; set; } = "";
    public string? TenantId { get; set; }
    public string SecretHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int MaxUses { get; set; }
    public int UsedCount { get; set; }
    /// <summary>jsonb object of label name to value.</summary>
    public string Labels { get; set; } = "{}";
    public List<string> Cidrs { get; set; } = [];
    public DateTimeOffset? RevokedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}
