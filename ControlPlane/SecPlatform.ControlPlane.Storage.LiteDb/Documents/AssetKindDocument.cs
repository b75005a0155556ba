using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>An asset kind; its id is the name.</summary>
internal sealed class AssetKindDocument
{
    public string Id { get; set; } = "";
    public string Description { get; set; } = "";
    public bool BelongsToHost { get; set; }

    public static AssetKindDocument From(AssetKind kind) => new() { Id = kind.Name, Description = kind.Description, BelongsToHost = kind.BelongsToHost };

    public AssetKind ToDomain() => new(Id, Description, BelongsToHost);
}
