using System.Text.Json.Nodes;
using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class ScanRecordsCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_Filters_MappedAndShownAsTableWithCounts()
    {
        var run = await RunAsync("scans", "list", "--tenant", "acme", "--status", "succeeded,failed", "--scanner", "shellcheck", "--profile", "nightly");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<ListScansRequest>();
        Assert.Equal(("acme", "succeeded,failed", "shellcheck", "nightly"), (request.Tenant, request.Status, request.Scanner, request.Profile));
        Assert.Contains("SEEN AGAIN", run.OutLines[0]);
        Assert.Contains(FakeScanService.ScanId, run.OutLines[1]);
        Assert.Contains("0/4/0/1/0", run.OutLines[1]);
    }

    [Fact]
    public async Task List_BadStatus_UsageError()
    {
        var run = await RunAsync("scans", "list", "--tenant", "acme", "--status", "done");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--status", Assert.Single(run.ErrorLines));
        Assert.Empty(ControlPlane.State.Requests);
    }

    [Fact]
    public async Task Get_Json_HasCountsAndProfile()
    {
        var run = await RunAsync("scans", "get", FakeScanService.ScanId, "--output", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var scan = JsonNode.Parse(run.Out)!;
        Assert.Equal(("nightly", 3, 2, 1), ((string?)scan["profile"], (int?)scan["findingsNew"], (int?)scan["findingsSeenAgain"], (int?)scan["findingsResolved"]));
        Assert.Equal("succeeded", (string?)scan["status"]);
    }

    [Fact]
    public async Task Get_Unknown_NotFound()
    {
        var run = await RunAsync("scans", "get", "zzzzzzzzzzzz");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Contains("not found", run.Error);
    }

    [Fact]
    public async Task Run_Profile_TenantOptionalAndOnlyTheProfileSent()
    {
        var run = await RunAsync("scans", "run", "--profile", "nightly", "--idempotency-key", "n-1");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<EnqueueCommandRequest>();
        Assert.Equal(("nightly", "", "", "n-1"), (request.Profile, request.Tenant, request.Scanner, request.IdempotencyKey));
        Assert.Empty(request.Parameters);
    }
}
