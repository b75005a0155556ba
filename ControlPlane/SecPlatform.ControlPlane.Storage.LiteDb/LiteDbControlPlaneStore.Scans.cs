using LiteDB;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Scan profiles and scan records. A scan record is a command document with its counts document (same id); the
/// counts are written inside the ingest's and the resolution's write transactions (<see cref="CountFindings"/>,
/// <see cref="CountResolved"/>), one document write per batch.
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IScanStore
{
    private ILiteCollection<ScanProfileDocument> Profiles => _db.GetCollection<ScanProfileDocument>(LiteDbCollections.ScanProfiles);

    private ILiteCollection<ScanCountsDocument> ScanCounts => _db.GetCollection<ScanCountsDocument>(LiteDbCollections.ScanCounts);

    public Task CreateScanProfileAsync(ScanProfile profile, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var document = ScanProfileDocument.From(profile);
            if (Profiles.Exists(Equal(TenantNameField, document.TenantName)))
            {
                throw new StoreConflictException($"A scan profile named '{profile.Name}' exists already.");
            }

            Insert(Profiles, document, "scan profile");
        }, cancellationToken);

    public Task<ScanProfile?> GetScanProfileAsync(string id, CancellationToken cancellationToken) =>
        Read(() => Profiles.FindById(id)?.ToDomain(), cancellationToken);

    public Task<ScanProfile?> FindScanProfileAsync(string tenantId, string name, CancellationToken cancellationToken) =>
        Read(() => Profiles.FindOne(Equal(TenantNameField, ScanProfileDocument.KeyOf(tenantId, name)))?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<ScanProfile>> ListScanProfilesAsync(string tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<ScanProfile>>(() => KeyRangePage(Profiles, TenantSortField, CompositeKey.Prefix(tenantId), page)
            .Select(p => p.ToDomain())
            .ToList(), cancellationToken);

    public Task<bool> DeleteScanProfileAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(() => Profiles.Delete(id), cancellationToken);

    public Task<Scan?> GetScanAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _commands.FindById(id) is { } command
            ? new Scan(command.ToDomain(), CountsOf(command.Attempt, ScanCounts.FindById(id)))
            : null, cancellationToken);

    public Task<IReadOnlyList<Scan>> ListScansAsync(ScanQuery query, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<Scan>>(() =>
        {
            var commands = Page(_commands, page, c => c, TenantFilter(query.TenantId), StatusFilter(query.Statuses),
                query.Scanner is null ? null : Equal("scanner", query.Scanner),
                query.Profile is null ? null : Equal("profile_name", query.Profile));
            var counts = ScanCounts.Find(In("$._id", commands.Select(c => c.Id))).ToDictionary(c => c.Id, StringComparer.Ordinal);
            return commands.Select(c => new Scan(c.ToDomain(), CountsOf(c.Attempt, counts.GetValueOrDefault(c.Id)))).ToList();
        }, cancellationToken);

    private void EnsureScanIndexes()
    {
        Profiles.EnsureIndex(TenantNameField, "$." + TenantNameField, unique: true);
        Profiles.EnsureIndex(TenantSortField, "$." + TenantSortField);
    }

    /// <summary>The counts of the command's current attempt (none when the stored ones are an earlier attempt's).</summary>
    private static ScanCounts CountsOf(int attempt, ScanCountsDocument? counts) =>
        counts is not null && counts.Attempt == attempt ? counts.ToDomain() : Core.Domain.ScanCounts.None;

    /// <summary>Inside the ingest's write: the batch's findings new to the tenant and seen again, by severity.</summary>
    private void CountFindings(CommandDocument command, List<FindingDocument> inserted, List<FindingDocument> seenAgain)
    {
        var counts = ScanCountsDocument.ForAttempt(ScanCounts.FindById(command.Id), command.Id, command.TenantId, command.Attempt);
        foreach (var finding in inserted)
        {
            counts.AddFinding(isNew: true, finding.Observed.Severity);
        }

        foreach (var finding in seenAgain)
        {
            counts.AddFinding(isNew: false, finding.Observed.Severity);
        }

        ScanCounts.Upsert(counts);
    }

    /// <summary>Inside the resolution's write: how many findings this attempt resolved.</summary>
    private void CountResolved(CommandDocument command, int resolved)
    {
        var counts = ScanCountsDocument.ForAttempt(ScanCounts.FindById(command.Id), command.Id, command.TenantId, command.Attempt);
        counts.Resolved += resolved;
        ScanCounts.Upsert(counts);
    }
}
