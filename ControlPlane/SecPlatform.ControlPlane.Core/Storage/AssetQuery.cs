namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>Filters of an asset list; null means any.</summary>
public sealed record AssetQuery(string? TenantId = null, string? Kind = null);
