namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// A static group's member. The id is (group, the asset's list sort key), so one range of the primary key is the
/// group's members in asset list order; <see cref="GroupAsset"/> (group, asset id) is unique and finds one membership.
/// </summary>
internal sealed class AssetGroupMemberDocument
{
    public string Id { get; set; } = "";
    public string GroupId { get; set; } = "";
    public string AssetId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
    public string GroupAsset { get; set; } = "";

    public static string GroupPrefix(string groupId) => CompositeKey.Prefix(groupId);

    public static string KeyOf(string groupId, string assetId) => CompositeKey.Prefix(groupId) + assetId;

    public static AssetGroupMemberDocument Of(string groupId, AssetDocument asset, DateTimeOffset now) => new()
    {
        Id = GroupPrefix(groupId) + asset.Sort,
        GroupId = groupId,
        AssetId = asset.Id,
        TenantId = asset.TenantId,
        AddedAt = now,
        GroupAsset = KeyOf(groupId, asset.Id),
    };
}
