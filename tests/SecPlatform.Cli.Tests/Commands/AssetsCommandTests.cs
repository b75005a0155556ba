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
    public async Task Get_Unknown_NotFound()
    {
        var run = await RunAsync("assets", "get", "zzzzzzzzzzzz");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("not found", run.Error);
    }
}
