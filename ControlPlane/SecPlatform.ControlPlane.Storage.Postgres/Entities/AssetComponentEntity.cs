namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>
/// A software component on an asset (from an SBOM), one row per (tenant_id, asset_id, component_key): the key is the
/// purl, or name@version when the SBOM gives none.
/// </summary>
internal sealed class AssetComponentEntity
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string AssetId { get; set; } = "";
    public string ComponentKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public string Purl { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public string LastCommandId { get; set; } = "";
}
