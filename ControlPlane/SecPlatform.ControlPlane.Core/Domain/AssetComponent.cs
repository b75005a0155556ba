namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// A software component on a tenant's asset, one per (tenant, asset, key): the key is the purl, or name@version.
/// First seen, last seen and the scan that last reported it; a complete SBOM scan of the asset removes the
/// components it no longer reports.
/// </summary>
public sealed record AssetComponent(
    string Id,
    string TenantId,
    string AssetId,
    string Name,
    string Version,
    string Purl,
    string Type,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string LastCommandId);
