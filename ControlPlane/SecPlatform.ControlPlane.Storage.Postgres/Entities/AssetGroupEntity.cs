namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>An asset group; <see cref="Selector"/> (jsonb) is null for a static group, the label pairs of a label-based one.</summary>
internal sealed class AssetGroupEntity
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string? Selector { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
