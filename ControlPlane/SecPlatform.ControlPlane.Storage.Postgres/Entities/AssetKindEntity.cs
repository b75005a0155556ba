namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>An asset kind: data, seeded by the migration that created the table.</summary>
internal sealed class AssetKindEntity
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public bool BelongsToHost { get; set; }
}
