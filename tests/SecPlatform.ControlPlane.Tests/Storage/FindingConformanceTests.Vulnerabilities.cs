using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Vulnerabilities on every provider: created by the ingest when a finding names a CVE or GHSA id, linked to the
/// finding, read per tenant (never another tenant's links), links that follow what a finding names now, and the
/// <see cref="FindingQuery.Cve"/> filter.
/// </summary>
public abstract partial class FindingConformanceTests
{
    private const string Log4Shell = "CVE-2021-44228";
    private const string Advisory = "GHSA-jfh8-c2jp-5v3q";

    [Fact]
    public async Task Ingest_FindingsNamingIds_VulnerabilitiesPerTenantWithCountsAndAffectedAssets()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var other = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run,
        [
            Naming(ScriptFinding("a"), "uses log4j (cve-2021-44228) and ghsa-JFH8-c2jp-5v3q", Log4Shell),
            Naming(ScriptFinding("a2", path: $"{ScannedPath}/a.sh"), "CVE-2022-0001"),
            Naming(ScriptFinding("b"), "", Log4Shell),
            ScriptFinding("plain"),
        ], T1);
        await IngestAsync(store, other, [Naming(ScriptFinding("x"), "CVE-2021-44228 and CVE-2023-9999")], T2);
        await Findings(store).SetFindingStatusAsync(
            new FindingStatusUpdate((await ByFingerprintAsync(store, run.Tenant.Id))[Fingerprint("b")].Id, null, FindingStatus.AcceptedRisk, "ok", "admin", T2), default);

        var listed = await Vulns(store).ListTenantVulnerabilitiesAsync(run.Tenant.Id, new PageRequest(10), default);
        Assert.Equal([Log4Shell, "CVE-2022-0001", Advisory], listed.Select(v => v.Id));
        var log4 = listed[0];
        Assert.Equal((T1, 2L, 1L, 2L), (log4.FirstSeen, log4.Findings, log4.OpenFindings, log4.Assets));
        Assert.Equal((1L, 1L, 1L), (listed[2].Findings, listed[2].OpenFindings, listed[2].Assets));
        Assert.All(listed, v => Assert.Empty(v.AffectedAssets));

        // The other tenant sees its own links only: its own count, its own first seen, never the first tenant's.
        var ofOther = await Vulns(store).ListTenantVulnerabilitiesAsync(other.Tenant.Id, new PageRequest(10), default);
        Assert.Equal([(Log4Shell, 1L, T2), ("CVE-2023-9999", 1L, T2)], ofOther.Select(v => (v.Id, v.Findings, v.FirstSeen)));
        Assert.Null(await Vulns(store).GetTenantVulnerabilityAsync(run.Tenant.Id, "CVE-2023-9999", 100, default));
        Assert.Null(await Vulns(store).GetTenantVulnerabilityAsync(run.Tenant.Id, "CVE-1999-0001", 100, default));
        Assert.Empty(await Vulns(store).ListTenantVulnerabilitiesAsync(TestData.NewTenant().Id, new PageRequest(10), default));

        var read = await Vulns(store).GetTenantVulnerabilityAsync(run.Tenant.Id, Log4Shell, 100, default);
        var assets = (await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id))).ToDictionary(a => a.Value.Split('/')[^1]);
        Assert.Equal((2L, 1L, 2L), (read!.Findings, read.OpenFindings, read.Assets));
        Assert.Equal(
            new[] { new AffectedAsset(assets["a.sh"].Id, "path", assets["a.sh"].Value, 1, 1), new AffectedAsset(assets["b.sh"].Id, "path", assets["b.sh"].Value, 1, 0) }
                .OrderBy(a => a.AssetId, StringComparer.Ordinal),
            read.AffectedAssets);
        Assert.Single((await Vulns(store).GetTenantVulnerabilityAsync(run.Tenant.Id, Log4Shell, 1, default))!.AffectedAssets);
    }

    [Fact]
    public async Task Ingest_SeenAgainNamingOtherIds_LinksFollowResendChangesNothing()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [Naming(ScriptFinding("a"), "CVE-2020-1111 and CVE-2020-2222")], T1);
        await IngestAsync(store, first, [Naming(ScriptFinding("a"), "CVE-2020-1111 and CVE-2020-2222")], T2);
        Assert.Equal(["CVE-2020-1111", "CVE-2020-2222"], (await VulnIdsAsync(store, first.Tenant.Id)).Select(v => v.Id));

        var second = await NewScanAsync(store, first, T3);
        await IngestAsync(store, second, [Naming(ScriptFinding("a"), "now CVE-2020-2222 and CVE-2020-3333")], T4);

        var now = await VulnIdsAsync(store, first.Tenant.Id);
        Assert.Equal(["CVE-2020-2222", "CVE-2020-3333"], now.Select(v => v.Id));
        Assert.Equal([T1, T4], now.Select(v => v.FirstSeen));
        Assert.Empty(await ListAsync(store, new FindingQuery(first.Tenant.Id, Cve: "CVE-2020-1111")));
        Assert.Equal(Fingerprints("a"), FingerprintsOf(await ListAsync(store, new FindingQuery(first.Tenant.Id, Cve: "CVE-2020-3333"))));
    }

    [Fact]
    public async Task Ingest_AttemptRepeatsAFingerprintNamingOtherIds_RepeatSkippedWholeLinksKept()
    {
        // A fingerprint the attempt already delivered is skipped (its first report stands), and so are its links.
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [Naming(ScriptFinding("a"), "CVE-2020-1111")], T1);

        var repeat = await IngestAsync(store, run, [Naming(ScriptFinding("a"), "CVE-2020-2222"), Naming(ScriptFinding("b"), "CVE-2020-2222")], T2);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 1), repeat);
        Assert.Equal(Fingerprints("a"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, Cve: "CVE-2020-1111"))));
        Assert.Equal(Fingerprints("b"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, Cve: "CVE-2020-2222"))));
    }

    [Fact]
    public async Task ListTenantVulnerabilities_Pages_ResumeAfterTheLastId()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var ids = Enumerable.Range(0, 7).Select(i => $"CVE-2024-{1000 + i}").ToArray();
        // Two findings per id, so the page boundary falls inside groups of links.
        await IngestAsync(store, run, [.. ids.SelectMany(id => new[] { Naming(ScriptFinding(id + "x"), id), Naming(ScriptFinding(id + "y"), id) })], T1);

        var all = new List<string>();
        PageCursor? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await Vulns(store).ListTenantVulnerabilitiesAsync(run.Tenant.Id, new PageRequest(3, after), default);
            Assert.All(page, v => Assert.Equal(2, v.Findings));
            all.AddRange(page.Select(v => v.Id));
            if (page.Count < 3)
            {
                break;
            }

            after = new PageCursor(DateTimeOffset.UnixEpoch, page[^1].Id);
        }

        Assert.Equal(ids, all);
    }

    [Fact]
    public async Task ListFindings_CveFilter_OnlyTheTenantsFindingsNamingIt_CombinesWithOtherFilters()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var other = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [Naming(ScriptFinding("a"), "", Log4Shell), Naming(ScriptFinding("b"), Advisory), ScriptFinding("c")], T1);
        await IngestAsync(store, other, [Naming(ScriptFinding("x"), Log4Shell)], T1);

        Assert.Equal(Fingerprints("a"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, Cve: Log4Shell))));
        Assert.Equal(Fingerprints("b"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, Cve: Advisory))));
        Assert.Equal(Fingerprints("x"), FingerprintsOf(await ListAsync(store, new FindingQuery(other.Tenant.Id, Cve: Log4Shell))));
        Assert.Empty(await ListAsync(store, new FindingQuery(run.Tenant.Id, Cve: "CVE-2023-9999")));
        Assert.Empty(await ListAsync(store, new FindingQuery(run.Tenant.Id, Cve: Log4Shell, Statuses: [FindingStatus.Resolved])));
        Assert.Equal(Fingerprints("a"), FingerprintsOf(await ListAsync(store,
            new FindingQuery(run.Tenant.Id, run.Command.Id, run.Command.Attempt, Cve: Log4Shell))));
    }

    [Fact]
    public async Task Ingest_ConcurrentRunsNamingTheSameNewIds_AllAppliedOneDefinitionEachLinksPerTenant()
    {
        var store = await CreateStoreAsync();
        var ids = Enumerable.Range(0, 20).Select(i => $"CVE-2025-{2000 + i}").ToArray();
        // Two tenants with two runs each, on the same findings; every run names every id, in its own order.
        var (a, b) = (await NewScanAsync(store, at: T0), await NewScanAsync(store, at: T0));
        Run[] runs = [a, b, await NewScanAsync(store, a, T0), await NewScanAsync(store, b, T0)];

        var results = await Task.WhenAll(runs.Select((run, r) => IngestAsync(store, run,
        [
            .. (r % 2 == 0 ? ids : ids.Reverse()).Select((id, i) => Naming(ScriptFinding($"f{i}"), $"{id} {ids[(i + r) % ids.Length]}")),
        ], T1)));

        Assert.All(results, result => Assert.Equal(CommandUpdateOutcome.Applied, result.Outcome));
        foreach (var tenant in runs.Select(r => r.Tenant.Id).Distinct())
        {
            var listed = await Vulns(store).ListTenantVulnerabilitiesAsync(tenant, new PageRequest(100), default);
            Assert.Equal(ids, listed.Select(v => v.Id));
            Assert.All(listed, v => Assert.InRange(v.Findings, 1, 2));
            // The links are exactly what each finding's latest report names: none left over from the run that lost the race.
            var findings = await ListAsync(store, new FindingQuery(tenant));
            foreach (var id in ids)
            {
                var naming = findings.Where(f => VulnerabilityIds.Of(f.Observed).Contains(id)).Select(f => f.Id).Order(StringComparer.Ordinal);
                var linked = (await ListAsync(store, new FindingQuery(tenant, Cve: id))).Select(f => f.Id).Order(StringComparer.Ordinal);
                Assert.Equal(naming, linked);
            }
        }
    }

    private static IVulnerabilityStore Vulns(IControlPlaneStore store) => store;

    private static Task<IReadOnlyList<TenantVulnerability>> VulnIdsAsync(IControlPlaneStore store, string tenantId) =>
        Vulns(store).ListTenantVulnerabilitiesAsync(tenantId, new PageRequest(100), default);

    /// <summary>The finding with this message and these ids in its CVE list (as the agent collects them).</summary>
    private static ObservedFinding Naming(ObservedFinding f, string message, params string[] cves) => new()
    {
        Fingerprint = f.Fingerprint,
        Scanner = f.Scanner,
        RuleId = f.RuleId,
        Title = f.Title,
        Severity = f.Severity,
        AssetKind = f.AssetKind,
        AssetValue = f.AssetValue,
        Host = f.Host,
        File = f.File,
        Line = f.Line,
        Column = f.Column,
        Message = message,
        Cves = [.. cves],
    };
}
