using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Sorted finding lists and summary counts. The default order walks the (tenant, first seen, id) index as before;
/// other orders read the query's findings (one index range of the tenant, filtered in the engine) and keep the page
/// after the cursor in memory: an embedded store holds one site's findings, and this keeps one index per order
/// from slowing every ingest. The PostgreSQL store serves the common orders from indexes.
/// </summary>
public sealed partial class LiteDbControlPlaneStore
{
    public Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, FindingPage page, CancellationToken cancellationToken)
    {
        if (page.Sort.IsDefault)
        {
            var after = page.After is { } cursor ? new PageCursor(cursor.Values.FirstSeen, cursor.Id) : null;
            return ListFindingsAsync(query, new PageRequest(page.Limit, after), cancellationToken);
        }

        return Read<IReadOnlyList<Finding>>(() =>
        {
            var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
            if (limit <= 0)
            {
                return [];
            }

            var sort = page.Sort;
            var comparer = Comparer<Finding>.Create(sort.Compare);
            return QueryFindings(query)
                .Where(f => page.After is null || sort.IsAfter(f, page.After))
                .Order(comparer)
                .Take(limit)
                .ToList();
        }, cancellationToken);
    }

    public Task<FindingSummary> SummarizeFindingsAsync(FindingQuery query, CancellationToken cancellationToken) =>
        Read(() => new FindingSummary(
            [.. SeverityAndStatus(query)
                .GroupBy(pair => pair)
                .Select(g => new FindingCount(g.Key.Severity, g.Key.Status, g.LongCount()))
                .OrderByDescending(c => c.Severity)
                .ThenBy(c => c.Status, StringComparer.Ordinal)]), cancellationToken);

    /// <summary>The (severity, status) of each finding of the query; a tenant's range is read as those two fields only.</summary>
    private IEnumerable<(Severity Severity, string Status)> SeverityAndStatus(FindingQuery query)
    {
        if (query.CommandId is not null || query.TenantId is null)
        {
            return QueryFindings(query).Select(f => (f.Observed.Severity, f.Status));
        }

        var targets = FindingTargets.Of(this, query);
        if (targets.None)
        {
            return [];
        }

        var rows = _findings.Query().Where(Between("$." + TenantSortField, FindingDocument.TenantPrefix(query.TenantId)));
        if (FieldFilter(query, targets) is { } filter)
        {
            rows = rows.Where(filter);
        }

        return rows
            .Select(LiteDB.BsonExpression.Create("{ severity: $.observed.severity, status: $.status }"))
            .ToEnumerable()
            .Select(row => (Enum.Parse<Severity>(row["severity"].AsString), row["status"].AsString));
    }

    /// <summary>Every finding of the query, unordered: the attempt's observed findings, or one tenant's index range, filtered.</summary>
    private IEnumerable<Finding> QueryFindings(FindingQuery query)
    {
        // The group and vulnerability filters, read first as id sets.
        var targets = FindingTargets.Of(this, query);
        if (targets.None)
        {
            return [];
        }

        if (query.CommandId is not null)
        {
            var findingIds = _observations
                .Find(Between("$." + AttemptSortField, ObservationDocument.AttemptPrefix(query.CommandId, query.Attempt)))
                .Where(o => query.TenantId is null || o.TenantId == query.TenantId)
                .Select(o => o.FindingId)
                .ToList();
            return findingIds
                .Chunk(PageRequest.MaxLimit)
                .SelectMany(ids => _findings.Find(In("$._id", ids)))
                .Where(targets.Admit)
                .Select(f => f.ToDomain())
                .Where(query.Matches);
        }

        var rows = query.TenantId is not null
            ? _findings.Query().Where(Between("$." + TenantSortField, FindingDocument.TenantPrefix(query.TenantId)))
            : _findings.Query();
        if (FieldFilter(query, targets) is { } filter)
        {
            rows = rows.Where(filter);
        }

        return rows.ToEnumerable().Select(f => f.ToDomain());
    }
}
