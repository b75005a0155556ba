using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// A component on an asset: <see cref="AssetKey"/> (tenant, asset, component key) is unique; <see cref="AssetSort"/>
/// is one asset's list range in (first seen, id) order.
/// </summary>
internal sealed class AssetComponentDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string AssetId { get; set; } = "";
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public string Purl { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public string LastCommandId { get; set; } = "";
    public string AssetKey { get; set; } = "";
    public string AssetSort { get; set; } = "";

    public static string KeyOf(string tenantId, string assetId, string key) => CompositeKey.Prefix(tenantId, assetId) + key;

    public static AssetComponentDocument New(string id, string tenantId, string assetId, ObservedComponent c, string commandId, DateTimeOffset now) => new()
    {
        Id = id,
        TenantId = tenantId,
        AssetId = assetId,
        Key = c.Key,
        Name = c.Name,
        Version = c.Version,
        Purl = c.Purl,
        Type = c.Type,
        FirstSeen = now,
        LastSeen = now,
        LastCommandId = commandId,
        AssetKey = KeyOf(tenantId, assetId, c.Key),
        AssetSort = CompositeKey.Prefix(assetId) + SortKey.Of(now, id),
    };

    public AssetComponent ToDomain() => new(Id, TenantId, AssetId, Name, Version, Purl, Type, FirstSeen, LastSeen, LastCommandId);
}
