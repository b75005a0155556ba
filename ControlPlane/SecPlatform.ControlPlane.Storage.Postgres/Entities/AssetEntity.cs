namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>A tenant's asset, one row per (tenant_id, kind, value). Written by the set-based findings ingest.</summary>
internal sealed class AssetEntity
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";
    public string Host { get; set; } = "";
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public string Labels { get; set; } = "{}";
}
