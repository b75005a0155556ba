using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class GroupsCommandTests : CommandTestBase
{
    [Fact]
    public async Task Create_SelectorCommaSeparatedAndRepeated_MappedIntoOneSelector()
    {
        var run = await RunAsync("groups", "create", "prod-web", "--tenant", "acme", "--selector", "env=prod,team=web", "--selector", "tier=1",
            "--description", "production web servers");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<CreateAssetGroupRequest>();
        Assert.Equal(("acme", "prod-web", "production web servers"), (request.Tenant, request.Name, request.Description));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["team"] = "web", ["tier"] = "1" }, request.Selector);
        Assert.Contains("label", run.OutLines[1]);
    }

    [Fact]
    public async Task Create_NoSelector_StaticGroup()
    {
        var run = await RunAsync("groups", "create", "servers", "--tenant", "acme");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Empty(ControlPlane.State.Last<CreateAssetGroupRequest>().Selector);
        Assert.Contains("static", run.OutLines[1]);
    }

    [Fact]
    public async Task Create_BadSelector_UsageErrorAndNoCall()
    {
        var run = await RunAsync("groups", "create", "prod", "--tenant", "acme", "--selector", "env");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not of the form key=value", run.Error);
        Assert.Empty(ControlPlane.State.Requests.OfType<CreateAssetGroupRequest>());
    }

    [Fact]
    public async Task AddAsset_StaticGroup_MappedWithTenant()
    {
        var run = await RunAsync("groups", "add-asset", "servers", FakeAssetService.AssetId, "--tenant", "acme");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<AssetGroupMemberRequest>();
        Assert.Equal(("servers", FakeAssetService.AssetId, "acme"), (request.Group, request.AssetId, request.Tenant));
    }

    [Fact]
    public async Task AddAsset_LabelGroup_OneLineErrorNonZeroExit()
    {
        var run = await RunAsync("groups", "add-asset", "prod", FakeAssetService.AssetId, "--tenant", "acme");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("label-based", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task RemoveAssetDeleteGetAndList_MappedAndShown()
    {
        Assert.Equal(0, (await RunAsync("groups", "remove-asset", "grp000000001", FakeAssetService.AssetId)).ExitCode);
        Assert.Equal(("grp000000001", FakeAssetService.AssetId), (ControlPlane.State.Last<AssetGroupMemberRequest>().Group, ControlPlane.State.Last<AssetGroupMemberRequest>().AssetId));

        var deleted = await RunAsync("groups", "delete", "servers", "--tenant", "acme");
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Contains("deleted", deleted.Out);

        var got = await RunAsync("groups", "get", "prod", "--tenant", "acme");
        Assert.True(got.ExitCode == 0, got.Error);
        Assert.Contains(got.OutLines, line => line.Contains("env", StringComparison.Ordinal) && line.Contains("prod", StringComparison.Ordinal));

        var listed = await RunAsync("groups", "list", "--tenant", "acme");
        Assert.Contains("SELECTOR", listed.OutLines[0]);
        Assert.Equal(3, listed.OutLines.Count(line => line.Length > 0));

        var missing = await RunAsync("groups", "get", "nope", "--tenant", "acme");
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("asset group 'nope' not found", missing.Error);
    }

    [Fact]
    public async Task Assets_ListsMembersAsAssetTable()
    {
        var run = await RunAsync("groups", "assets", "prod", "--tenant", "acme", "--output", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(("prod", "acme"), (ControlPlane.State.Last<ListAssetGroupMembersRequest>().Group, ControlPlane.State.Last<ListAssetGroupMembersRequest>().Tenant));
        Assert.Contains("web-1:/srv/app/run.sh", run.Out);
    }
}
