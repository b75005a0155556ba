using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Findings: observations per (command, attempt, fingerprint) and the tenant's findings per
/// (tenant, fingerprint). Ingest is idempotent per (command attempt, fingerprint) and set-based.
/// </summary>
public interface IFindingStore
{
    /// <summary>
    /// In one transaction, after checking the command reference as <see cref="ICommandQueueStore.StartCommandAsync"/>
    /// does: records the observations of this attempt not recorded yet, and for each new one inserts the
    /// tenant's finding (first seen = last seen = now, occurrences 1) or updates it (the observed fields,
    /// last seen, occurrences + 1, last command). Fingerprints repeated within the batch count once.
    /// </summary>
    Task<FindingIngestResult> IngestFindingsAsync(FindingIngest ingest, CancellationToken cancellationToken);

    /// <summary>How many distinct fingerprints the attempt has delivered.</summary>
    Task<long> CountObservedAsync(string commandId, int attempt, CancellationToken cancellationToken);

    /// <summary>Ordered by (first seen, id).</summary>
    Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, PageRequest page, CancellationToken cancellationToken);

    Task<Finding?> GetFindingAsync(string id, CancellationToken cancellationToken);
}
