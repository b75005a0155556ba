namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>Labels to set and label keys to remove on one asset of <see cref="TenantId"/> (null: any tenant).</summary>
public sealed record AssetLabelUpdate(
    string AssetId, string? TenantId, IReadOnlyDictionary<string, string> Set, IReadOnlyCollection<string> Remove, int MaxLabels);
