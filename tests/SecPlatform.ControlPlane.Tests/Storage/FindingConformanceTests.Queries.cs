using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>Sorted lists with keyset pages, and summary counts: the same on every store.</summary>
public abstract partial class FindingConformanceTests
{
    public static TheoryData<string> Sorts => new()
    {
        "first_seen", "-severity", "severity", "-last_seen", "last_seen", "-occurrences,first_seen", "status,rule", "-rule",
        "scanner,first_seen", "severity,-last_seen", "-status,occurrences,-severity",
    };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task ListFindings_Sorted_PagesWalkTheWholeOrderWithoutGapsOrRepeats(string sortText)
    {
        var store = await CreateStoreAsync();
        var (tenantId, expectedIds) = await SortFixtureAsync(store);
        Assert.True(FindingSort.TryParse(sortText, out var sort, out _));

        var all = await ListSortedAsync(store, new FindingQuery(tenantId), FindingPage.First(sort, PageRequest.MaxLimit));
        Assert.Equal(expectedIds.Order(StringComparer.Ordinal), all.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Oracle(all, sort).Select(f => f.Id), all.Select(f => f.Id));

        foreach (var size in new[] { 1, 3, 4 })
        {
            Assert.Equal(all.Select(f => f.Id), (await WalkSortedAsync(store, new FindingQuery(tenantId), sort, size)).Select(f => f.Id));
        }
    }

    [Fact]
    public async Task ListFindings_SortedWithFilters_OnlyMatchingFindingsInOrder()
    {
        var store = await CreateStoreAsync();
        var (tenantId, _) = await SortFixtureAsync(store);
        Assert.True(FindingSort.TryParse("-severity,-occurrences", out var sort, out _));
        var query = new FindingQuery(tenantId, Statuses: [FindingStatus.Open], Severities: [Severity.High, Severity.Critical, Severity.Info]);

        var all = await ListSortedAsync(store, new FindingQuery(tenantId), FindingPage.First(sort, PageRequest.MaxLimit));
        var expected = Oracle(all.Where(query.Matches), sort).Select(f => f.Id).ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < all.Count);
        Assert.Equal(expected, (await WalkSortedAsync(store, query, sort, 2)).Select(f => f.Id));
    }

    [Fact]
    public async Task ListFindings_SortedByCommandAttempt_OnlyThatAttemptsFindings()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        var second = await NewRunAsync(store, first.Tenant, first.Agent, T1);
        await IngestAsync(store, first, [Minimal("a"), FileFinding("b", Severity.High), NetworkFinding("c")], T1);
        await IngestAsync(store, second, [FileFinding("b", Severity.High), Minimal("d")], T2);
        Assert.True(FindingSort.TryParse("-severity", out var sort, out _));

        var listed = await WalkSortedAsync(store, new FindingQuery(first.Tenant.Id, second.Command.Id, 1), sort, 1);
        Assert.Equal([Fingerprint("b"), Fingerprint("d")], listed.Select(f => f.Observed.Fingerprint));
    }

    [Fact]
    public async Task ListFindings_DefaultSortPage_SameAsFirstSeenList()
    {
        var store = await CreateStoreAsync();
        var (tenantId, _) = await SortFixtureAsync(store);
        var plain = await WalkAsync(store, new FindingQuery(tenantId), 3);
        Assert.Equal(plain.Select(f => f.Id), (await WalkSortedAsync(store, new FindingQuery(tenantId), FindingSort.Default, 3)).Select(f => f.Id));
    }

    [Fact]
    public async Task SummarizeFindings_CountsBySeverityAndStatusWithTheListsFilters()
    {
        var store = await CreateStoreAsync();
        var (tenantId, ids) = await SortFixtureAsync(store);
        var all = await ListSortedAsync(store, new FindingQuery(tenantId), FindingPage.First(FindingSort.Default, PageRequest.MaxLimit));

        var summary = await Findings(store).SummarizeFindingsAsync(new FindingQuery(tenantId), default);
        Assert.Equal(ids.Count, summary.Total);
        Assert.Equal(CountsOf(all), Normalized(summary));
        Assert.True(summary.CountOf(FindingStatus.FalsePositive) > 0);
        Assert.True(summary.CountOf(Severity.Critical) > 0);

        var filters = new FindingQuery(tenantId, Statuses: [FindingStatus.Open, FindingStatus.Reopened], Scanner: "flawfinder");
        Assert.Equal(CountsOf(all.Where(filters.Matches)), Normalized(await Findings(store).SummarizeFindingsAsync(filters, default)));
        var since = new FindingQuery(tenantId, Since: T3);
        Assert.Equal(CountsOf(all.Where(since.Matches)), Normalized(await Findings(store).SummarizeFindingsAsync(since, default)));

        // Another tenant's and an unknown tenant's counts: only their own (none).
        Assert.Empty((await Findings(store).SummarizeFindingsAsync(new FindingQuery("zzzzzzzzzzzz"), default)).Counts);
    }

    [Fact]
    public async Task SummarizeFindings_ByCommandAttempt_CountsWhatThatAttemptObserved()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        var second = await NewRunAsync(store, first.Tenant, first.Agent, T1);
        await IngestAsync(store, first, [Minimal("a"), FileFinding("b", Severity.High), NetworkFinding("c")], T1);
        await IngestAsync(store, second, [FileFinding("b", Severity.High), Minimal("d")], T2);

        var summary = await Findings(store).SummarizeFindingsAsync(new FindingQuery(first.Tenant.Id, second.Command.Id, 1), default);
        Assert.Equal(
            [new FindingCount(Severity.High, FindingStatus.Open, 1), new FindingCount(Severity.Info, FindingStatus.Open, 1)],
            Normalized(summary));
    }

    /// <summary>
    /// One tenant's findings with every sort field varied and ties in each (another tenant's beside them), first seen
    /// at T1-T3, some seen again at T4, one resolved and reopened, two triaged.
    /// </summary>
    private async Task<(string TenantId, List<string> Ids)> SortFixtureAsync(IControlPlaneStore store)
    {
        var run = await NewRunAsync(store);
        var other = await NewRunAsync(store);
        await IngestAsync(store, other, [FileFinding("other-1"), Minimal("other-2")], T1);
        await IngestAsync(store, run,
            [FileFinding("f1", Severity.Critical), FileFinding("f2", Severity.Low), Minimal("m1"), NetworkFinding("n1"), FileFinding("f3", Severity.Medium)], T1);
        await IngestAsync(store, run, [FileFinding("f4", Severity.Critical), Minimal("m2"), NetworkFinding("n2"), FileFinding("f5", Severity.High)], T2);
        await IngestAsync(store, run, [FileFinding("f6", Severity.High), Minimal("m3"), FileFinding("f7", Severity.Info)], T3);
        var again = await NewRunAsync(store, run.Tenant, run.Agent, T3);
        await IngestAsync(store, again, [FileFinding("f1", Severity.Critical), Minimal("m2"), NetworkFinding("n1"), FileFinding("f6", Severity.High)], T4);
        var byFingerprint = (await ListAsync(store, new FindingQuery(run.Tenant.Id))).ToDictionary(f => f.Observed.Fingerprint);
        Assert.NotNull(await Findings(store).SetFindingStatusAsync(
            new FindingStatusUpdate(byFingerprint[Fingerprint("f2")].Id, run.Tenant.Id, FindingStatus.FalsePositive, "test", "admin-1", T4), default));
        Assert.NotNull(await Findings(store).SetFindingStatusAsync(
            new FindingStatusUpdate(byFingerprint[Fingerprint("m3")].Id, run.Tenant.Id, FindingStatus.AcceptedRisk, "test", "admin-1", T4), default));
        return (run.Tenant.Id, [.. byFingerprint.Values.Select(f => f.Id)]);
    }

    private static Task<IReadOnlyList<Finding>> ListSortedAsync(IControlPlaneStore store, FindingQuery query, FindingPage page) =>
        Findings(store).ListFindingsAsync(query, page, default);

    /// <summary>Every page, each resuming after a cursor that went through its text form as a client would send it.</summary>
    private static async Task<List<Finding>> WalkSortedAsync(IControlPlaneStore store, FindingQuery query, FindingSort sort, int limit)
    {
        var all = new List<Finding>();
        var page = FindingPage.First(sort, limit);
        for (var pages = 0; pages < 100; pages++)
        {
            var items = await ListSortedAsync(store, query, page);
            Assert.True(items.Count <= limit);
            all.AddRange(items);
            if (items.Count < limit)
            {
                Assert.Equal(all.Count, all.Select(f => f.Id).Distinct().Count());
                return all;
            }

            Assert.True(FindingCursor.TryDecode(FindingCursor.After(sort, items[^1]).Encode(), sort, out var cursor, out var error), error);
            page = page with { After = cursor };
        }

        throw new InvalidOperationException("The pages never ended.");
    }

    /// <summary>The expected order, written independently of <see cref="FindingSort.Compare"/>: LINQ keys, ordinal text, id last.</summary>
    private static List<Finding> Oracle(IEnumerable<Finding> findings, FindingSort sort)
    {
        IOrderedEnumerable<Finding>? ordered = null;
        foreach (var key in sort.Keys)
        {
            Func<Finding, string> text = key.Field switch
            {
                FindingSortField.FirstSeen => f => f.FirstSeen.UtcTicks.ToString("D19"),
                FindingSortField.LastSeen => f => f.LastSeen.UtcTicks.ToString("D19"),
                FindingSortField.Severity => f => ((int)f.Observed.Severity).ToString("D2"),
                FindingSortField.Occurrences => f => f.Occurrences.ToString("D19"),
                FindingSortField.Status => f => f.Status,
                FindingSortField.Rule => f => f.Observed.RuleId,
                FindingSortField.Scanner => f => f.Observed.Scanner,
                _ => throw new ArgumentOutOfRangeException(nameof(sort)),
            };
            ordered = (ordered, key.Descending) switch
            {
                (null, false) => findings.OrderBy(text, StringComparer.Ordinal),
                (null, true) => findings.OrderByDescending(text, StringComparer.Ordinal),
                (_, false) => ordered.ThenBy(text, StringComparer.Ordinal),
                (_, true) => ordered.ThenByDescending(text, StringComparer.Ordinal),
            };
        }

        ordered = sort.IdDescending ? ordered!.ThenByDescending(f => f.Id, StringComparer.Ordinal) : ordered!.ThenBy(f => f.Id, StringComparer.Ordinal);
        return [.. ordered];
    }

    private static List<FindingCount> CountsOf(IEnumerable<Finding> findings) =>
        [.. findings
            .GroupBy(f => (f.Observed.Severity, f.Status))
            .Select(g => new FindingCount(g.Key.Severity, g.Key.Status, g.LongCount()))
            .OrderByDescending(c => c.Severity)
            .ThenBy(c => c.Status, StringComparer.Ordinal)];

    private static List<FindingCount> Normalized(FindingSummary summary) =>
        [.. summary.Counts.OrderByDescending(c => c.Severity).ThenBy(c => c.Status, StringComparer.Ordinal)];
}
