using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Scan profiles (a tenant's named enqueue requests) and scan records. A scan record is a command with the counts of
/// its latest attempt: the counts are written by <see cref="IFindingStore.IngestFindingsAsync"/> (new, seen again, by
/// severity) and <see cref="IFindingStore.ResolveUnseenAsync"/> (resolved) in their own transactions, set-based.
/// </summary>
public interface IScanStore
{
    /// <exception cref="StoreConflictException">The tenant has a profile of that name already.</exception>
    Task CreateScanProfileAsync(ScanProfile profile, CancellationToken cancellationToken);

    Task<ScanProfile?> GetScanProfileAsync(string id, CancellationToken cancellationToken);

    Task<ScanProfile?> FindScanProfileAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Ordered by (created, id).</summary>
    Task<IReadOnlyList<ScanProfile>> ListScanProfilesAsync(string tenantId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>False when unknown. Commands queued from the profile keep its name.</summary>
    Task<bool> DeleteScanProfileAsync(string id, CancellationToken cancellationToken);

    /// <summary>Null when the command is unknown.</summary>
    Task<Scan?> GetScanAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ordered by (created, id), as commands are.</summary>
    Task<IReadOnlyList<Scan>> ListScansAsync(ScanQuery query, PageRequest page, CancellationToken cancellationToken);
}
