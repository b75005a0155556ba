namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// A named set of a tenant's assets. Static (<see cref="Selector"/> null): its members are listed explicitly.
/// Label-based: its members are the tenant's assets whose labels hold every pair of <see cref="Selector"/>, evaluated
/// when read, so an asset labelled later belongs to it without anyone adding it.
/// </summary>
public sealed class AssetGroup
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    /// <summary>Unique within the tenant.</summary>
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>The label selector of a label-based group (every pair must match); null for a static group.</summary>
    public Dictionary<string, string>? Selector { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public bool IsLabelBased => Selector is not null;
}
