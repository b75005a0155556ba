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
    /// tenant's finding (first seen = last seen = now, occurrences 1, open) or updates it (the observed fields,
    /// last seen, occurrences + 1, last command; a resolved finding becomes reopened, with a history row; every
    /// other status stays). Fingerprints repeated within the batch count once.
    /// </summary>
    Task<FindingIngestResult> IngestFindingsAsync(FindingIngest ingest, CancellationToken cancellationToken);

    /// <summary>How many distinct fingerprints the attempt has delivered.</summary>
    Task<long> CountObservedAsync(string commandId, int attempt, CancellationToken cancellationToken);

    /// <summary>Ordered by (first seen, id).</summary>
    Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// A page in <see cref="FindingPage.Sort"/> order (ties broken by id), resuming after <see cref="FindingPage.After"/>,
    /// which the caller has checked to belong to that sort. The same filters as the list in (first seen, id) order.
    /// </summary>
    Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, FindingPage page, CancellationToken cancellationToken);

    /// <summary>How many findings <paramref name="query"/> matches, per severity and status, counted in the store (not by listing them).</summary>
    Task<FindingSummary> SummarizeFindingsAsync(FindingQuery query, CancellationToken cancellationToken);

    Task<Finding?> GetFindingAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: when the command's attempt <see cref="ResolveScope.Attempt"/> is the latest, succeeded and
    /// not truncated, every open or reopened finding of the scope that this attempt did not observe and that was last
    /// seen before the attempt was claimed (so a concurrent run that saw it keeps it open) becomes resolved, with a
    /// history row each (actor system, the command). Returns how many were resolved (0 when the command does not
    /// qualify).
    /// </summary>
    Task<int> ResolveUnseenAsync(ResolveScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// Sets an admin's status with a history row, in one transaction. Null when the finding does not exist or is
    /// not in <see cref="FindingStatusUpdate.TenantId"/>; the finding unchanged (and no history) when it has the status already.
    /// </summary>
    Task<Finding?> SetFindingStatusAsync(FindingStatusUpdate update, CancellationToken cancellationToken);

    /// <summary>The finding's status changes, oldest first.</summary>
    Task<IReadOnlyList<FindingStatusChange>> ListFindingHistoryAsync(string findingId, CancellationToken cancellationToken);
}
