namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>One asset of a static group.</summary>
internal sealed class AssetGroupMemberEntity
{
    public string GroupId { get; set; } = "";
    public string AssetId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
}
