using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class AssetsCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_TenantAndKind_MappedAndShownAsTable()
    {
        var run = await RunAsync("assets", "list", "--tenant", "acme", "--kind", "path");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<ListAssetsRequest>();
        Assert.Equal(("acme", "path"), (request.Tenant, request.Kind));
        Assert.Contains("KIND", run.OutLines[0]);
        Assert.Contains("web-1:/srv/app/run.sh", run.OutLines[1]);
    }

    [Fact]
    public async Task Get_ShowsTheAsset()
    {
        var run = await RunAsync("assets", "get", FakeAssetService.AssetId);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains(run.OutLines, line => line.StartsWith("host:", StringComparison.Ordinal) && line.EndsWith("web-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_ShowsTheComponentCount()
    {
        var run = await RunAsync("assets", "get", FakeAssetService.AssetId, "--output", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(2, (int?)System.Text.Json.Nodes.JsonNode.Parse(run.Out)!["componentCount"]);
    }

    [Fact]
    public async Task Components_ListsNameVersionPurlWithPaging()
    {
        var run = await RunAsync("assets", "components", FakeAssetService.AssetId, "--limit", "2");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<ListAssetComponentsRequest>();
        Assert.Equal((FakeAssetService.AssetId, 2), (request.AssetId, request.PageSize));
        Assert.Contains("PURL", run.OutLines[0]);
        Assert.Contains("pkg:npm/left-pad@1.3.0", run.OutLines[1]);
        Assert.Contains("2.1.3", run.OutLines[2]);
    }

    [Fact]
    public async Task Components_UnknownAsset_NotFound()
    {
        var run = await RunAsync("assets", "components", "zzzzzzzzzzzz");

        Assert.Equal(4, run.ExitCode);
        Assert.Equal("secplat: asset 'zzzzzzzzzzzz' not found", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Get_Unknown_NotFound()
    {
        var run = await RunAsync("assets", "get", "zzzzzzzzzzzz");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("not found", run.Error);
    }

    [Fact]
    public async Task List_Labels_MappedAsKeyValueEntries()
    {
        var run = await RunAsync("assets", "list", "--tenant", "acme", "--label", "env=prod", "--label", "team=web");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["env=prod", "team=web"], ControlPlane.State.Last<ListAssetsRequest>().Labels);
        Assert.Contains("LABELS", run.OutLines[0]);
    }

    [Fact]
    public async Task Label_SetAndRemove_MappedIntoOneRequest()
    {
        var run = await RunAsync("assets", "label", FakeAssetService.AssetId, "env=prod", "owner=team-a", "--remove", "tier", "--remove", "old");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<SetAssetLabelsRequest>();
        Assert.Equal(FakeAssetService.AssetId, request.Id);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["owner"] = "team-a" }, request.Labels);
        Assert.Equal(["tier", "old"], request.Remove);
        Assert.Contains(run.OutLines, line => line.Contains("owner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Label_NothingOrBadPair_UsageErrorAndNoCall()
    {
        var nothing = await RunAsync("assets", "label", FakeAssetService.AssetId);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("at least one label", nothing.Error);

        var bad = await RunAsync("assets", "label", FakeAssetService.AssetId, "env");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not of the form key=value", bad.Error);
        Assert.Empty(ControlPlane.State.Requests.OfType<SetAssetLabelsRequest>());
    }
}
