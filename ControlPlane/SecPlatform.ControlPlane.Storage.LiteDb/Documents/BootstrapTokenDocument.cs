using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class BootstrapTokenDocument
{
    public string Id { get; set; } = "";
    public string? TenantId { get; set; }
    public string SecretHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int MaxUses { get; set; }
    public int UsedCount { get; set; }
    public List<LabelDocument> Labels { get; set; } = [];
    public List<string> Cidrs { get; set; } = [];
    public DateTimeOffset? RevokedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Sort { get; set; } = "";

    public static BootstrapTokenDocument From(BootstrapToken token) => new()
    {
        Id = token.Id,
        TenantId = token.TenantId,
        SecretHash = token.SecretHash,
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
        MaxUses = token.MaxUses,
        UsedCount = token.UsedCount,
        Labels = LabelDocument.FromDictionary(token.Labels),
        Cidrs = [.. token.Cidrs],
        RevokedAt = token.RevokedAt,
        CreatedBy = token.CreatedBy,
        Sort = SortKey.Of(token.CreatedAt, token.Id),
    };

    public BootstrapToken ToDomain() => new()
    {
        Id = Id,
        TenantId = TenantId,
        SecretHash = SecretHash,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
        MaxUses = MaxUses,
        UsedCount = UsedCount,
        Labels = LabelDocument.ToDictionary(Labels),
        Cidrs = [.. Cidrs],
        RevokedAt = RevokedAt,
        CreatedBy = CreatedBy,
    };
}
