using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Asset labels and asset groups. Label-based groups store only their selector: their members are read with
/// <see cref="IAssetStore.ListAssetsAsync"/> and <see cref="AssetQuery.Labels"/>, so membership is always current.
/// Every call that takes a tenant id answers another tenant's object exactly like a missing one.
/// </summary>
public interface IAssetGroupStore
{
    /// <summary>
    /// In one step: the labels of <paramref name="update"/> set, then its keys removed. Null when the asset does not
    /// exist or is not in the update's tenant; <see cref="AssetLabelResult.TooManyLabels"/> (nothing changed) when the
    /// result would hold more than <see cref="AssetLabelUpdate.MaxLabels"/>.
    /// </summary>
    Task<AssetLabelResult?> SetAssetLabelsAsync(AssetLabelUpdate update, CancellationToken cancellationToken);

    /// <exception cref="StoreConflictException">The tenant has a group of that name.</exception>
    Task CreateAssetGroupAsync(AssetGroup group, CancellationToken cancellationToken);

    Task<AssetGroup?> GetAssetGroupAsync(string id, CancellationToken cancellationToken);

    Task<AssetGroup?> FindAssetGroupByNameAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>The tenant's groups, ordered by (created, id).</summary>
    Task<IReadOnlyList<AssetGroup>> ListAssetGroupsAsync(string tenantId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Deletes the group and its memberships in one transaction; false when it is not the tenant's or unknown.</summary>
    Task<bool> DeleteAssetGroupAsync(string tenantId, string groupId, CancellationToken cancellationToken);

    /// <summary>Adds (true) or removes (false) an asset of the tenant to or from a static group of the tenant.</summary>
    Task<MembershipOutcome> ChangeAssetGroupMemberAsync(string tenantId, string groupId, string assetId, bool add, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>The members of a static group, ordered like asset lists (first seen, id).</summary>
    Task<IReadOnlyList<Asset>> ListAssetGroupMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken);
}
