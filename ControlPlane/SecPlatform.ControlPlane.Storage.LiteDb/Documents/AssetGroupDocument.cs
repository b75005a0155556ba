using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// An asset group. <see cref="TenantName"/> (tenant, name) is unique; <see cref="TenantSort"/> makes one index range of a
/// tenant's groups in list order. A label-based group keeps its selector; a static one has <see cref="LabelBased"/> false.
/// </summary>
internal sealed class AssetGroupDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public bool LabelBased { get; set; }
    public List<LabelDocument> Selector { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public string TenantName { get; set; } = "";
    public string TenantSort { get; set; } = "";

    public static string KeyOf(string tenantId, string name) => CompositeKey.Prefix(tenantId) + name;

    public static AssetGroupDocument From(AssetGroup group) => new()
    {
        Id = group.Id,
        TenantId = group.TenantId,
        Name = group.Name,
        Description = group.Description,
        LabelBased = group.Selector is not null,
        Selector = group.Selector is { } selector ? LabelDocument.FromDictionary(selector) : [],
        CreatedAt = group.CreatedAt,
        TenantName = KeyOf(group.TenantId, group.Name),
        TenantSort = CompositeKey.Prefix(group.TenantId) + SortKey.Of(group.CreatedAt, group.Id),
    };

    public AssetGroup ToDomain() => new()
    {
        Id = Id,
        TenantId = TenantId,
        Name = Name,
        Description = Description,
        Selector = LabelBased ? LabelDocument.ToDictionary(Selector) : null,
        CreatedAt = CreatedAt,
    };
}
