using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Assets on every provider: created on first sight by the findings ingest, in its transaction; one per (tenant, kind,
/// normalized value); a path asset belongs to its host; the kinds are data.
/// </summary>
public abstract partial class FindingConformanceTests
{
    [Fact]
    public async Task ListAssetKinds_Seeded_FiveKindsPathBelongsToHost()
    {
        var store = await CreateStoreAsync();

        var kinds = await Assets(store).ListAssetKindsAsync(default);

        Assert.Equal(["host", "ip", "path", "repository", "url"], kinds.Select(k => k.Name));
        Assert.Equal(["path"], kinds.Where(k => k.BelongsToHost).Select(k => k.Name));
    }

    [Fact]
    public async Task Ingest_FirstSight_CreatesAssetsAndLinksFindings()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var upper = ScriptFinding("upper", host: "HOST-A.example.test.", path: "/srv/app/a.sh");
        await IngestAsync(store, run, [ScriptFinding("a1", path: "/srv/app/a.sh"), upper, ScriptFinding("b", path: "/srv/app/b.sh"),
            NmapFinding("192.0.2.10", 22), NmapFinding("192.0.2.10", 80)], T1);

        var assets = await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id));
        Assert.Equal(
            [("ip", "192.0.2.10", ""), ("path", $"{HostA}:/srv/app/a.sh", HostA), ("path", $"{HostA}:/srv/app/b.sh", HostA)],
            assets.Select(a => (a.Kind, a.Value, a.Host)).Order());
        Assert.All(assets, a => Assert.Equal((run.Tenant.Id, T1, T1), (a.TenantId, a.FirstSeen, a.LastSeen)));
        Assert.All(assets, a => Assert.Empty(a.Labels));

        var findings = await ByFingerprintAsync(store, run.Tenant.Id);
        var pathA = Assert.Single(assets, a => a.Value.EndsWith("/srv/app/a.sh", StringComparison.Ordinal));
        // The host's case and trailing dot do not make another asset.
        Assert.Equal(pathA.Id, findings[Fingerprint("a1")].AssetId);
        Assert.Equal(pathA.Id, findings[Fingerprint("upper")].AssetId);
        var ip = Assert.Single(assets, a => a.Kind == "ip");
        Assert.Equal(ip.Id, findings[NmapFingerprint("192.0.2.10", 80)].AssetId);
        Assert.Equal(ip.Id, findings[NmapFingerprint("192.0.2.10", 22)].AssetId);
        var read = await Assets(store).GetAssetAsync(pathA.Id, default);
        Assert.Equal((pathA.Kind, pathA.Value, pathA.Host, pathA.FirstSeen), (read!.Kind, read.Value, read.Host, read.FirstSeen));
        Assert.Null(await Assets(store).GetAssetAsync("zzzzzzzzzzzz", default));
    }

    [Fact]
    public async Task Ingest_TwoAgentsSameService_OneAssetLastSeenMovesResendChangesNothing()
    {
        var store = await CreateStoreAsync();
        var parameters = new Dictionary<string, string> { ["host"] = "192.0.2.10", ["ports"] = "22" };
        var first = await NewScanAsync(store, scanner: "nmap", parameters: parameters, at: T0);
        var second = await NewScanAsync(store, first with { Agent = await RegisterAsync(store, first.Tenant.Id) }, T1);

        await IngestAsync(store, first, [NmapFinding("192.0.2.10", 22)], T2);
        await IngestAsync(store, second, [NmapFinding("192.0.2.10", 22), NmapFinding("192.0.2.10", 443)], T3);
        await IngestAsync(store, first, [NmapFinding("192.0.2.10", 22)], T4);

        var asset = Assert.Single(await ListAssetsAsync(store, new AssetQuery(first.Tenant.Id)));
        Assert.Equal(("ip", "192.0.2.10", T2, T3), (asset.Kind, asset.Value, asset.FirstSeen, asset.LastSeen));
        Assert.All(await ListAsync(store, new FindingQuery(first.Tenant.Id)), f => Assert.Equal(asset.Id, f.AssetId));
    }

    [Fact]
    public async Task Ingest_SamePathOnTwoHosts_TwoAssets_SameValueInTwoTenants_KeptApart()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var other = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a", host: HostA, path: "/srv/app"), ScriptFinding("b", host: HostB, path: "/srv/app")], T1);
        await IngestAsync(store, other, [ScriptFinding("a", host: HostA, path: "/srv/app")], T2);

        var assets = await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id));
        Assert.Equal([$"{HostA}:/srv/app", $"{HostB}:/srv/app"], assets.Select(a => a.Value).Order(StringComparer.Ordinal));
        Assert.Equal([HostA, HostB], assets.Select(a => a.Host).Order(StringComparer.Ordinal));
        var otherAsset = Assert.Single(await ListAssetsAsync(store, new AssetQuery(other.Tenant.Id)));
        Assert.DoesNotContain(otherAsset.Id, assets.Select(a => a.Id));
        Assert.Equal((other.Tenant.Id, T2), (otherAsset.TenantId, otherAsset.FirstSeen));
    }

    [Fact]
    public async Task ListAssets_KindFilterAndPages_KeysetInFirstSeenThenIdOrder()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [.. Enumerable.Range(0, 5).Select(i => ScriptFinding($"p{i}", path: $"/srv/app/{i}.sh"))], T1);
        await IngestAsync(store, run, [.. Enumerable.Range(0, 3).Select(i => NmapFinding($"192.0.2.{i}", 22))], T2);

        var all = new List<Asset>();
        PageCursor? after = null;
        while (true)
        {
            var page = await Assets(store).ListAssetsAsync(new AssetQuery(run.Tenant.Id), new PageRequest(3, after), default);
            all.AddRange(page);
            if (page.Count < 3)
            {
                break;
            }

            after = new PageCursor(page[^1].FirstSeen, page[^1].Id);
        }

        Assert.Equal(8, all.Select(a => a.Id).Distinct().Count());
        Assert.Equal(all.OrderBy(a => a.FirstSeen).ThenBy(a => a.Id, StringComparer.Ordinal).Select(a => a.Id), all.Select(a => a.Id));
        Assert.Equal(3, (await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, "ip"))).Count);
        Assert.Equal(5, (await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, "path"))).Count);
        Assert.Empty(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, "url")));
    }

    private static IAssetStore Assets(IControlPlaneStore store) => store;

    private static Task<IReadOnlyList<Asset>> ListAssetsAsync(IControlPlaneStore store, AssetQuery query) =>
        Assets(store).ListAssetsAsync(query, new PageRequest(100, null), default);
}
