using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Software components on assets. They arrive with <see cref="FindingIngest.Components"/> and are written by
/// <see cref="IFindingStore.IngestFindingsAsync"/> in its transaction: the asset is created on first sight, each
/// component inserted (first seen = last seen = now) or updated (last seen, last command and attempt), set-based.
/// </summary>
public interface IComponentStore
{
    /// <summary>How many distinct components the attempt has delivered.</summary>
    Task<long> CountComponentsObservedAsync(string commandId, int attempt, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: when the command's attempt is the latest, succeeded and not truncated, removes the
    /// components of the scope's asset that this attempt did not report. Returns how many were removed (0 when the
    /// command does not qualify or the asset does not exist).
    /// </summary>
    Task<int> ReplaceComponentsAsync(ComponentScope scope, CancellationToken cancellationToken);

    /// <summary>Ordered by (first seen, id).</summary>
    Task<IReadOnlyList<AssetComponent>> ListAssetComponentsAsync(string assetId, PageRequest page, CancellationToken cancellationToken);

    Task<long> CountAssetComponentsAsync(string assetId, CancellationToken cancellationToken);
}
