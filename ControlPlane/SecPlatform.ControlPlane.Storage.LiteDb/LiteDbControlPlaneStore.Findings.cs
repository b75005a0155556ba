using LiteDB;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Findings. An ingest is one write-locked transaction that reads what it needs in two index queries (the batch's
/// observations of this attempt by primary key, then the tenant's findings by their natural key) and writes in
/// bulk, so its cost grows with the batch, not with the stored findings. Lists walk one index range in list order
/// and stop at the page's end.
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IFindingStore
{
    private const string TenantFingerprintField = "tenant_fingerprint";
    private const string TenantSortField = "tenant_sort";
    private const string AttemptSortField = "attempt_sort";
    private const string ScanScopeField = "scan_scope";
    private const string FindingIdField = "finding_id";

    public Task<FindingIngestResult> IngestFindingsAsync(FindingIngest ingest, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            // The same check as every fenced command update: nothing is written for a claim that is not current.
            var reference = ingest.Command;
            var command = _commands.FindById(reference.CommandId);
            if (command is null || command.AgentId != reference.AgentId)
            {
                return new FindingIngestResult(CommandUpdateOutcome.NotFound, 0, 0);
            }

            if (command.FencingToken != reference.FencingToken || !command.Status.IsActive())
            {
                return new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0);
            }

            IngestComponents(command, ingest.Components ?? [], ingest.Now);

            // A fingerprint repeated in the batch counts once, and its first report is the one kept, as for a resend.
            var batch = new List<ObservedFinding>(ingest.Findings.Count);
            var inBatch = new HashSet<string>(StringComparer.Ordinal);
            foreach (var finding in ingest.Findings)
            {
                if (inBatch.Add(finding.Fingerprint))
                {
                    batch.Add(finding);
                }
            }

            if (batch.Count == 0)
            {
                return new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 0);
            }

            var attempt = command.Attempt;
            var delivered = DeliveredBefore(command.Id, attempt, batch);
            var fresh = batch.Where(f => !delivered.Contains(f.Fingerprint)).ToList();
            if (fresh.Count == 0)
            {
                return new FindingIngestResult(CommandUpdateOutcome.Applied, 0, batch.Count);
            }

            var known = _findings
                .Find(In("$." + TenantFingerprintField, fresh.Select(f => FindingDocument.KeyOf(command.TenantId, f.Fingerprint))))
                .ToDictionary(f => f.Observed.Fingerprint, StringComparer.Ordinal);
            var inserts = new List<FindingDocument>();
            var updates = new List<FindingDocument>();
            var observations = new List<ObservationDocument>(fresh.Count);
            var changes = new List<FindingStatusChangeDocument>();
            foreach (var observed in fresh)
            {
                if (known.TryGetValue(observed.Fingerprint, out var finding))
                {
                    if (finding.SeenAgain(observed, command.Id, ingest.Now) is { } from)
                    {
                        changes.Add(FindingStatusChangeDocument.Of(finding, from, "seen again", FindingStatus.SystemActor, command.Id, ingest.Now));
                    }

                    updates.Add(finding);
                }
                else
                {
                    finding = FindingDocument.New(SecretToken.NewId(), command.TenantId, observed, command.Id, ingest.Now);
                    inserts.Add(finding);
                }

                observations.Add(ObservationDocument.From(command.Id, attempt, finding, ingest.Now));
            }

            LinkAssets(command.TenantId, inserts.Concat(updates).ToList(), ingest.Now);
            LinkVulnerabilities(command.TenantId, inserts, updates, ingest.Now);
            InsertBulk(_findings, inserts, "finding");
            _findings.Update(updates);
            InsertBulk(_observations, observations, "finding observation");
            InsertBulk(_statusHistory, changes, "finding status change");
            CountFindings(command, inserts, updates);
            return new FindingIngestResult(CommandUpdateOutcome.Applied, fresh.Count, batch.Count - fresh.Count);
        }, cancellationToken);

    public Task<long> CountObservedAsync(string commandId, int attempt, CancellationToken cancellationToken) =>
        Read(() =>
        {
            // Counted from the index keys alone: no observation is loaded.
            var prefix = ObservationDocument.AttemptPrefix(commandId, attempt);
            return (long)_observations.Query()
                .Where(Between("$." + AttemptSortField, prefix))
                .Select("$." + AttemptSortField)
                .ToDocuments()
                .Count();
        }, cancellationToken);

    public Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<Finding>>(() =>
        {
            var targets = FindingTargets.Of(this, query);
            if (targets.None)
            {
                return [];
            }

            if (query.CommandId is not null)
            {
                return AttemptFindingsPage(query, targets, page);
            }

            var filter = FieldFilter(query, targets);
            if (query.TenantId is not null)
            {
                return KeyRangePage(_findings, TenantSortField, FindingDocument.TenantPrefix(query.TenantId), page, filter)
                    .Select(f => f.ToDomain())
                    .ToList();
            }

            return Page(_findings, page, f => f.ToDomain(), filter);
        }, cancellationToken);

    public Task<Finding?> GetFindingAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _findings.FindById(id)?.ToDomain(), cancellationToken);

    public Task<int> ResolveUnseenAsync(ResolveScope scope, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var command = _commands.FindById(scope.CommandId);
            if (command is null || command.TenantId != scope.TenantId || command.Attempt != scope.Attempt
                || command.Status != CommandStatus.Succeeded || command.Truncated || command.ClaimedAt is not { } claimedAt)
            {
                return 0;
            }

            // One index range: the scope's findings, whatever their status; the rest is filtered here.
            var candidates = _findings
                .Find(Between("$." + ScanScopeField, FindingDocument.ScopeOf(scope.TenantId, scope.Scanner, scope.Host)))
                .Where(f => FindingStatus.Resolvable.Contains(f.Status) && f.LastSeen < claimedAt && scope.Covers(f.Observed.File))
                .ToList();
            if (candidates.Count == 0)
            {
                return 0;
            }

            var observed = DeliveredBefore(command.Id, command.Attempt, candidates.Select(f => f.Observed.Fingerprint));
            var resolved = candidates.Where(f => !observed.Contains(f.Observed.Fingerprint)).ToList();
            var changes = new List<FindingStatusChangeDocument>(resolved.Count);
            foreach (var finding in resolved)
            {
                var from = finding.Status;
                finding.Status = FindingStatus.Resolved;
                changes.Add(FindingStatusChangeDocument.Of(finding, from, "not reported by a complete scan", FindingStatus.SystemActor,
                    command.Id, scope.Now));
            }

            _findings.Update(resolved);
            InsertBulk(_statusHistory, changes, "finding status change");
            CountResolved(command, resolved.Count);
            return resolved.Count;
        }, cancellationToken);

    public Task<Finding?> SetFindingStatusAsync(FindingStatusUpdate update, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var finding = _findings.FindById(update.FindingId);
            if (finding is null || (update.TenantId is not null && finding.TenantId != update.TenantId))
            {
                return null;
            }

            if (finding.Status != update.Status)
            {
                var from = finding.Status;
                finding.Status = update.Status;
                _findings.Update(finding);
                _statusHistory.Insert(FindingStatusChangeDocument.Of(finding, from, update.Reason, update.Actor, null, update.Now));
            }

            return finding.ToDomain();
        }, cancellationToken);

    public Task<IReadOnlyList<FindingStatusChange>> ListFindingHistoryAsync(string findingId, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<FindingStatusChange>>(() => _statusHistory
            .Find(BsonExpression.Create("$." + FindingIdField + " = @0", new BsonValue(findingId)))
            .OrderBy(c => c.Id)
            .Select(c => c.ToDomain())
            .ToList(), cancellationToken);

    private void EnsureFindingIndexes()
    {
        _findings.EnsureIndex(ScanScopeField, "$." + ScanScopeField);
        _statusHistory.EnsureIndex(FindingIdField, "$." + FindingIdField);
        _findings.EnsureIndex(TenantFingerprintField, "$." + TenantFingerprintField, unique: true);
        _findings.EnsureIndex(TenantSortField, "$." + TenantSortField);
        _findings.EnsureIndex(SortKey.Field, SortField);
        // The primary key (command, attempt, fingerprint) finds a batch's resends; this one serves counts and lists.
        _observations.EnsureIndex(AttemptSortField, "$." + AttemptSortField);
    }

    /// <summary>The fingerprints of the batch that this attempt delivered before: one primary-key lookup, keys only.</summary>
    private HashSet<string> DeliveredBefore(string commandId, int attempt, List<ObservedFinding> batch) =>
        DeliveredBefore(commandId, attempt, batch.Select(f => f.Fingerprint));

    private HashSet<string> DeliveredBefore(string commandId, int attempt, IEnumerable<string> fingerprints)
    {
        var prefixLength = ObservationDocument.AttemptPrefix(commandId, attempt).Length;
        return _observations.Query()
            .Where(In("$._id", fingerprints.Select(f => ObservationDocument.IdOf(commandId, attempt, f))))
            .Select("$._id")
            .ToDocuments()
            .Select(row => row.Values.First().AsString[prefixLength..])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// One page of the findings the attempt observed: pages of its observations in the findings' list order (they
    /// carry the finding's sort key), then those findings by id, keeping those that pass the field filters, until the
    /// page is full or the attempt's observations end.
    /// </summary>
    private IReadOnlyList<Finding> AttemptFindingsPage(FindingQuery query, FindingTargets targets, PageRequest page)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        var result = new List<Finding>();
        var after = page.After;
        while (result.Count < limit)
        {
            var observations = KeyRangePage(_observations, AttemptSortField, ObservationDocument.AttemptPrefix(query.CommandId!, query.Attempt),
                new PageRequest(limit, after), TenantFilter(query.TenantId));
            if (observations.Count == 0)
            {
                break;
            }

            var findings = _findings
                .Find(In("$._id", observations.Select(o => o.FindingId)))
                .ToDictionary(f => f.Id, StringComparer.Ordinal);
            foreach (var finding in observations.Select(o => findings.GetValueOrDefault(o.FindingId)).OfType<FindingDocument>())
            {
                after = new PageCursor(finding.FirstSeen, finding.Id);
                var domain = finding.ToDomain();
                if (query.Matches(domain) && targets.Admit(finding) && result.Count < limit)
                {
                    result.Add(domain);
                }
            }

            // The end of the attempt's observations, or none of them led to a finding (the cursor would not move).
            if (observations.Count < limit || findings.Count == 0)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>The field filters of a finding list, and the group and vulnerability ones as id sets, as one expression (null: none).</summary>
    private static BsonExpression? FieldFilter(FindingQuery query, FindingTargets targets)
    {
        var clauses = new List<string>();
        var args = new List<BsonValue>();
        void Add(string clause, BsonValue value)
        {
            clauses.Add(clause.Replace("@", "@" + args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            args.Add(value);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            Add("$.status IN @", new BsonArray(statuses.Select(s => new BsonValue(s))));
        }

        if (query.Severities is { Count: > 0 } severities)
        {
            Add("$.observed.severity IN @", new BsonArray(severities.Select(s => new BsonValue(s.ToString()))));
        }

        if (query.Scanner is not null)
        {
            Add("$.observed.scanner = @", new BsonValue(query.Scanner));
        }

        if (query.RuleId is not null)
        {
            Add("$.observed.rule_id = @", new BsonValue(query.RuleId));
        }

        if (query.Since is { } since)
        {
            Add("$.last_seen >= @", new BsonValue(since.UtcTicks));
        }

        if (query.AssetId is not null)
        {
            Add("$.asset_id = @", new BsonValue(query.AssetId));
        }

        if (targets.AssetIds is { } assetIds)
        {
            Add("$.asset_id IN @", new BsonArray(assetIds.Select(id => new BsonValue(id))));
        }

        if (targets.FindingIds is { } findingIds)
        {
            Add("$._id IN @", new BsonArray(findingIds.Select(id => new BsonValue(id))));
        }

        return clauses.Count == 0 ? null : BsonExpression.Create(string.Join(" AND ", clauses), [.. args]);
    }

    /// <summary>
    /// The group and vulnerability filters as sets read first: the group's assets now (null: no group filter), the
    /// findings that name the vulnerability (null: no vulnerability filter). An empty set means no finding can match.
    /// </summary>
    private sealed record FindingTargets(HashSet<string>? AssetIds, HashSet<string>? FindingIds)
    {
        public bool None => AssetIds is { Count: 0 } || FindingIds is { Count: 0 };

        public static FindingTargets Of(LiteDbControlPlaneStore store, FindingQuery query)
        {
            var tenantId = query.TenantId ?? "";
            var assets = query.GroupId is null ? null : store.GroupAssetIds(tenantId, query.GroupId) ?? [];
            var findings = query.Cve is null ? null : store.FindingIdsNaming(tenantId, query.Cve);
            return new FindingTargets(assets, findings);
        }

        public bool Admit(FindingDocument finding) =>
            (AssetIds is null || AssetIds.Contains(finding.AssetId)) && (FindingIds is null || FindingIds.Contains(finding.Id));
    }

    /// <summary>
    /// One keyset page of the documents whose <paramref name="field"/> starts with <paramref name="prefix"/> and then
    /// holds a sort key, in that order. The range, from the cursor to the end of the prefix, is one predicate, so
    /// LiteDB walks that index from the cursor and stops after the page: a deep page costs no more than the first.
    /// </summary>
    private static List<T> KeyRangePage<T>(ILiteCollection<T> collection, string field, string prefix, PageRequest page,
        BsonExpression? filter = null)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        var path = "$." + field;
        var from = page.After is { } after ? prefix + SortKey.Of(after.CreatedAt, after.Id) : prefix;
        var query = collection.Query().Where(Range(path, from, CompositeKey.UpperBound(prefix)));
        if (page.After is not null)
        {
            // The range includes the cursor's own key. Listed after the range and of equal cost, this stays a
            // filter, and only the cursor's document fails it.
            query = query.Where(BsonExpression.Create(path + " > @0", new BsonValue(from)));
        }

        if (filter is not null)
        {
            query = query.Where(filter);
        }

        return query.OrderBy(path).Limit(limit).ToList();
    }

    /// <summary>The keys that start with <paramref name="prefix"/>.</summary>
    private static BsonExpression Between(string path, string prefix) => Range(path, prefix, CompositeKey.UpperBound(prefix));

    private static BsonExpression Range(string path, string from, string to) =>
        BsonExpression.Create(path + " BETWEEN @0 AND @1", new BsonValue(from), new BsonValue(to));

    private static BsonExpression In(string path, IEnumerable<string> values) =>
        BsonExpression.Create(path + " IN @0", new BsonArray(values.Select(v => new BsonValue(v))));

    private static void InsertBulk<T>(ILiteCollection<T> collection, List<T> documents, string what)
    {
        if (documents.Count == 0)
        {
            return;
        }

        try
        {
            collection.Insert(documents);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw new StoreConflictException($"A {what} conflicts with an existing one.", e);
        }
    }
}
