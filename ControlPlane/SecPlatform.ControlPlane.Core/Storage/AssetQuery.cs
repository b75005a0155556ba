namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>Filters of an asset list; null means any. <see cref="Labels"/>: assets whose labels hold every pair.</summary>
public sealed record AssetQuery(string? TenantId = null, string? Kind = null, IReadOnlyDictionary<string, string>? Labels = null);
