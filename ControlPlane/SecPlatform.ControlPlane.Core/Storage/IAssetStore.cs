using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Assets, created on first sight by <see cref="IFindingStore.IngestFindingsAsync"/> in the ingest's transaction
/// (one per tenant, kind and <see cref="AssetIdentity">normalized value</see>; last seen moves with every new
/// sighting), and the asset kinds, which are data.
/// </summary>
public interface IAssetStore
{
    /// <summary>Ordered by (first seen, id).</summary>
    Task<IReadOnlyList<Asset>> ListAssetsAsync(AssetQuery query, PageRequest page, CancellationToken cancellationToken);

    Task<Asset?> GetAssetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every asset kind, by name.</summary>
    Task<IReadOnlyList<AssetKind>> ListAssetKindsAsync(CancellationToken cancellationToken);
}
