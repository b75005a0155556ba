using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Software components on every provider: delivered with the ingest (on the scanned directory's path asset, created
/// on first sight), counted per attempt, and replaced by a complete, successful run of the same asset.
/// </summary>
public abstract partial class FindingConformanceTests
{
    private const string ComponentAsset = HostA + ":" + ScannedPath;

    [Fact]
    public async Task IngestComponents_BatchesAndResend_OneRowPerKeyOnTheAssetCountedOnce()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, scanner: "cdxgen", at: T0);
        await IngestComponentsAsync(store, run.Ref, [Component("left-pad", "1.3.0"), Component("ms", "2.1.3")], T1);
        await IngestComponentsAsync(store, run.Ref, [Component("ms", "2.1.3"), Component("noPurl", "0.1", purl: "")], T2);

        Assert.Equal(3, await Components(store).CountComponentsObservedAsync(run.Command.Id, run.Command.Attempt, default));
        var asset = Assert.Single(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id)));
        Assert.Equal(("path", ComponentAsset, HostA), (asset.Kind, asset.Value, asset.Host));
        var listed = await Components(store).ListAssetComponentsAsync(asset.Id, PageRequest.First(), default);
        Assert.Equal(["left-pad", "ms", "noPurl"], listed.Select(c => c.Name).Order(StringComparer.Ordinal));
        var ms = Assert.Single(listed, c => c.Name == "ms");
        Assert.Equal(("2.1.3", "pkg:npm/ms@2.1.3", "library", T1, T2, run.Command.Id),
            (ms.Version, ms.Purl, ms.Type, ms.FirstSeen, ms.LastSeen, ms.LastCommandId));
        Assert.Equal(run.Tenant.Id, ms.TenantId);
        Assert.Equal(3, await Components(store).CountAssetComponentsAsync(asset.Id, default));
        var page = await Components(store).ListAssetComponentsAsync(asset.Id, new PageRequest(2), default);
        var rest = await Components(store).ListAssetComponentsAsync(asset.Id, new PageRequest(5, new PageCursor(page[^1].FirstSeen, page[^1].Id)), default);
        Assert.Equal(3, page.Concat(rest).Select(c => c.Id).Distinct().Count());
        Assert.Equal(3, (await Scans(store).GetScanAsync(run.Command.Id, default))!.Counts.Components);

        // A stale claim writes nothing.
        var stale = await Findings(store).IngestFindingsAsync(
            new FindingIngest(run.Ref with { FencingToken = 9 }, [], T2, [Component("evil", "1.0")]), default);
        Assert.Equal(CommandUpdateOutcome.Stale, stale.Outcome);
        Assert.Equal(3, await Components(store).CountAssetComponentsAsync(asset.Id, default));
    }

    [Fact]
    public async Task ReplaceComponents_CompleteRun_RemovesWhatItNoLongerReportsAndKeepsTheRest()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, scanner: "cdxgen", at: T0);
        await IngestComponentsAsync(store, first.Ref, [Component("a", "1"), Component("b", "1")], T1);
        await CompleteAsync(store, first, T1);
        Assert.Equal(0, await ReplaceAsync(store, first));

        var second = await NewScanAsync(store, first, T2);
        await IngestComponentsAsync(store, second.Ref, [Component("a", "1"), Component("c", "2")], T3);
        await CompleteAsync(store, second, T3);
        Assert.Equal(1, await ReplaceAsync(store, second));
        Assert.Equal(0, await ReplaceAsync(store, second));

        var asset = Assert.Single(await ListAssetsAsync(store, new AssetQuery(first.Tenant.Id)));
        var listed = await Components(store).ListAssetComponentsAsync(asset.Id, PageRequest.First(), default);
        Assert.Equal(["a", "c"], listed.Select(c => c.Name).Order(StringComparer.Ordinal));
        var a = Assert.Single(listed, c => c.Name == "a");
        Assert.Equal((T1, T3, second.Command.Id), (a.FirstSeen, a.LastSeen, a.LastCommandId));

        // An empty SBOM from a clean run empties the asset; a truncated or failed one, or another tenant's scope, changes nothing.
        var truncated = await NewScanAsync(store, first, T4);
        await CompleteAsync(store, truncated, T4, truncated: true);
        Assert.Equal(0, await ReplaceAsync(store, truncated));
        var failed = await NewScanAsync(store, first, T5);
        await CompleteAsync(store, failed, T5, outcome: CommandStatus.Failed);
        Assert.Equal(0, await ReplaceAsync(store, failed));
        var empty = await NewScanAsync(store, first, T6);
        await CompleteAsync(store, empty, T6);
        var (other, _) = await NewAgentAsync(store);
        Assert.Equal(0, await Components(store).ReplaceComponentsAsync(
            new ComponentScope(other.Id, empty.Command.Id, empty.Command.Attempt, "path", ComponentAsset), default));
        Assert.Equal(2, await Components(store).CountAssetComponentsAsync(asset.Id, default));
        Assert.Equal(2, await ReplaceAsync(store, empty));
        Assert.Empty(await Components(store).ListAssetComponentsAsync(asset.Id, PageRequest.First(), default));
    }

    private static IComponentStore Components(IControlPlaneStore store) => store;

    private static Task<int> ReplaceAsync(IControlPlaneStore store, Run run) =>
        Components(store).ReplaceComponentsAsync(new ComponentScope(run.Tenant.Id, run.Command.Id, run.Command.Attempt, "path", ComponentAsset), default);

    private static async Task IngestComponentsAsync(IControlPlaneStore store, CommandRef reference, ObservedComponent[] components, DateTimeOffset now)
    {
        var result = await Findings(store).IngestFindingsAsync(new FindingIngest(reference, [], now, components), default);
        Assert.Equal(CommandUpdateOutcome.Applied, result.Outcome);
    }

    private static ObservedComponent Component(string name, string version, string? purl = null) =>
        new(name, version, purl ?? $"pkg:npm/{name}@{version}", "library", "path", ComponentAsset);
}
