using LiteDB;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Vulnerabilities (global) and the links from a tenant's findings to them, written by the findings ingest inside its
/// write-locked transaction. A tenant's links are one primary-key range in vulnerability order, so lists and reads
/// never touch another tenant's links.
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IVulnerabilityStore
{
    public Task<IReadOnlyList<TenantVulnerability>> ListTenantVulnerabilitiesAsync(string tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<TenantVulnerability>>(() =>
        {
            var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
            if (limit <= 0)
            {
                return [];
            }

            var prefix = FindingVulnerabilityDocument.TenantPrefix(tenantId);
            var from = page.After is { } after ? CompositeKey.UpperBound(FindingVulnerabilityDocument.VulnerabilityPrefix(tenantId, after.Id)) : prefix;
            // The links in key order, grouped as they come, until the page holds `limit` vulnerabilities.
            var groups = new List<List<FindingVulnerabilityDocument>>();
            foreach (var link in _findingVulnerabilities.Query().Where(Range("$._id", from, CompositeKey.UpperBound(prefix))).OrderBy("$._id").ToEnumerable())
            {
                if (groups.Count == 0 || groups[^1][0].VulnerabilityId != link.VulnerabilityId)
                {
                    if (groups.Count == limit)
                    {
                        break;
                    }

                    groups.Add([]);
                }

                groups[^1].Add(link);
            }

            var findings = FindingsById(groups.SelectMany(g => g).Select(l => l.FindingId));
            return groups.Select(g => Summarize(g, findings, null)).ToList();
        }, cancellationToken);

    public Task<TenantVulnerability?> GetTenantVulnerabilityAsync(string tenantId, string vulnerabilityId, int maxAssets, CancellationToken cancellationToken) =>
        Read(() =>
        {
            var links = _findingVulnerabilities.Find(Between("$._id", FindingVulnerabilityDocument.VulnerabilityPrefix(tenantId, vulnerabilityId))).ToList();
            if (links.Count == 0)
            {
                return null;
            }

            var findings = FindingsById(links.Select(l => l.FindingId));
            var assetIds = findings.Values.Select(f => f.AssetId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(maxAssets).ToList();
            var assets = _assets.Find(In("$._id", assetIds)).ToDictionary(a => a.Id, StringComparer.Ordinal);
            var affected = assetIds.Select(id =>
            {
                var on = findings.Values.Where(f => f.AssetId == id).ToList();
                var asset = assets.GetValueOrDefault(id);
                return new AffectedAsset(id, asset?.Kind ?? "", asset?.Value ?? "", on.Count, on.Count(f => FindingStatus.Resolvable.Contains(f.Status)));
            }).ToList();
            return Summarize(links, findings, affected);
        }, cancellationToken);

    private void EnsureVulnerabilityIndexes() =>
        _findingVulnerabilities.EnsureIndex(FindingIdField, "$." + FindingIdField);

    private Dictionary<string, FindingDocument> FindingsById(IEnumerable<string> ids) =>
        _findings.Find(In("$._id", ids.Distinct(StringComparer.Ordinal))).ToDictionary(f => f.Id, StringComparer.Ordinal);

    private static TenantVulnerability Summarize(List<FindingVulnerabilityDocument> links, Dictionary<string, FindingDocument> findings,
        IReadOnlyList<AffectedAsset>? affected)
    {
        var linked = links.Select(l => findings.GetValueOrDefault(l.FindingId)).OfType<FindingDocument>().ToList();
        return new TenantVulnerability
        {
            Id = links[0].VulnerabilityId,
            FirstSeen = links.Min(l => l.FirstSeen),
            Findings = linked.Count,
            OpenFindings = linked.Count(f => FindingStatus.Resolvable.Contains(f.Status)),
            Assets = linked.Select(f => f.AssetId).Distinct(StringComparer.Ordinal).Count(),
            AffectedAssets = affected ?? [],
        };
    }

    /// <summary>
    /// Inside the ingest's write: the vulnerabilities the batch's findings name are created when new, each finding's
    /// links are made to match what it names now (a finding seen again with other ids loses the old links).
    /// </summary>
    private void LinkVulnerabilities(string tenantId, List<FindingDocument> inserted, List<FindingDocument> updated, DateTimeOffset now)
    {
        var wanted = inserted.Concat(updated).ToDictionary(
            f => f.Id,
            f => VulnerabilityIds.Of(f.Observed.Cves, f.Observed.RuleId, f.Observed.Title, f.Observed.Message).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var existing = updated.Count == 0
            ? []
            : _findingVulnerabilities.Find(In("$." + FindingIdField, updated.Select(f => f.Id))).ToList();
        var stale = existing.Where(l => !wanted[l.FindingId].Contains(l.VulnerabilityId)).Select(l => new BsonValue(l.Id)).ToList();
        if (stale.Count > 0)
        {
            _findingVulnerabilities.DeleteMany(BsonExpression.Create("$._id IN @0", new BsonArray(stale)));
        }

        var have = existing.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        var links = wanted
            .SelectMany(pair => pair.Value.Select(v => FindingVulnerabilityDocument.Of(tenantId, v, pair.Key, now)))
            .Where(l => !have.Contains(l.Id))
            .ToList();
        if (links.Count == 0)
        {
            return;
        }

        var ids = links.Select(l => l.VulnerabilityId).Distinct(StringComparer.Ordinal).ToList();
        var known = _vulnerabilities.Query().Where(In("$._id", ids)).Select("$._id").ToDocuments()
            .Select(d => d.Values.First().AsString).ToHashSet(StringComparer.Ordinal);
        InsertBulk(_vulnerabilities, [.. ids.Where(id => !known.Contains(id)).Select(id => new VulnerabilityDocument { Id = id, FirstSeen = now })],
            "vulnerability");
        InsertBulk(_findingVulnerabilities, links, "finding vulnerability link");
    }

    /// <summary>The ids of the tenant's findings that name the vulnerability.</summary>
    private HashSet<string> FindingIdsNaming(string tenantId, string vulnerabilityId) =>
        _findingVulnerabilities.Find(Between("$._id", FindingVulnerabilityDocument.VulnerabilityPrefix(tenantId, vulnerabilityId)))
            .Select(l => l.FindingId)
            .ToHashSet(StringComparer.Ordinal);
}
