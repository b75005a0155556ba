using Google.Protobuf.WellKnownTypes;
using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class FindingsCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_EveryFilter_IsMappedIntoTheRequest()
    {
        var run = await RunAsync("findings", "list", "--tenant", "acme", "--status", "Open,reopened,open", "--severity", "high,critical",
            "--scanner", "shellcheck", "--rule", "SC2086", "--since", "2025-06-01T14:00:00+02:00", "--command", "cmd000000007");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        var request = ControlPlane.State.Last<ListFindingsRequest>();
        Assert.Equal(("acme", "cmd000000007", "shellcheck", "SC2086"), (request.Tenant, request.CommandId, request.Scanner, request.RuleId));
        Assert.Equal(["open", "reopened"], request.Statuses);
        Assert.Equal([FindingSeverity.High, FindingSeverity.Critical], request.Severities);
        Assert.Equal(Timestamp.FromDateTime(new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc)), request.Since);
        Assert.Contains("STATUS", run.OutLines[0]);
        Assert.Contains("resolved", run.OutLines[1]);
    }

    [Fact]
    public async Task List_AssetGroupCve_MappedIntoFields10To12()
    {
        var run = await RunAsync("findings", "list", "--tenant", "acme", "--asset", "ast000000001", "--group", "prod", "--cve", "CVE-2021-44228");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<ListFindingsRequest>();
        Assert.Equal(("ast000000001", "prod", "CVE-2021-44228"), (request.Asset, request.Group, request.Cve));
    }

    [Fact]
    public async Task List_SinceDuration_MeansThatLongBeforeNow()
    {
        var before = DateTimeOffset.UtcNow;
        var run = await RunAsync("findings", "list", "--tenant", "acme", "--since", "24h");
        var after = DateTimeOffset.UtcNow;

        Assert.True(run.ExitCode == 0, run.Error);
        var since = ControlPlane.State.Last<ListFindingsRequest>().Since.ToDateTimeOffset();
        Assert.InRange(since, before.AddHours(-24), after.AddHours(-24));
    }

    [Fact]
    public async Task List_NoFilters_LeavesThemEmpty()
    {
        var run = await RunAsync("findings", "list", "--tenant", "acme");

        Assert.Equal(0, run.ExitCode);
        var request = ControlPlane.State.Last<ListFindingsRequest>();
        Assert.Empty(request.Statuses);
        Assert.Empty(request.Severities);
        Assert.Equal(("", ""), (request.Scanner, request.RuleId));
        Assert.Null(request.Since);
    }

    [Theory]
    [InlineData("--status", "closed")]
    [InlineData("--severity", "severe")]
    [InlineData("--since", "yesterday")]
    public async Task List_BadFilter_UsageErrorAndNoCall(string option, string value)
    {
        var run = await RunAsync("findings", "list", "--tenant", "acme", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(value, run.Error);
        Assert.Empty(ControlPlane.State.Requests.OfType<ListFindingsRequest>());
    }

    [Fact]
    public async Task Get_ShowsTheStatusHistory()
    {
        var run = await RunAsync("findings", "get", FakeFindingService.FindingId);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutLines, line => line.StartsWith("history:", StringComparison.Ordinal));
        Assert.Contains(run.OutLines, line => line.Contains("from=open", StringComparison.Ordinal) && line.Contains("to=resolved", StringComparison.Ordinal)
            && line.Contains("actor=system", StringComparison.Ordinal) && line.Contains("cmd000000007", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetStatus_StatusAndReason_SentAndTheFindingShown()
    {
        var run = await RunAsync("findings", "set-status", FakeFindingService.FindingId, "--status", "false_positive", "--reason", "test fixture");

        Assert.Equal(0, run.ExitCode);
        var request = ControlPlane.State.Last<SetFindingStatusRequest>();
        Assert.Equal((FakeFindingService.FindingId, "false_positive", "test fixture"), (request.Id, request.Status, request.Reason));
        Assert.Contains(run.OutLines, line => line.StartsWith("status:", StringComparison.Ordinal) && line.EndsWith("false_positive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetStatus_BackToOpen_NoReasonNeeded()
    {
        var run = await RunAsync("findings", "set-status", FakeFindingService.FindingId, "--status", "open");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(("open", ""), (ControlPlane.State.Last<SetFindingStatusRequest>().Status, ControlPlane.State.Last<SetFindingStatusRequest>().Reason));
    }

    [Theory]
    [InlineData("--status", "false_positive")]
    [InlineData("--status", "accepted_risk", "--reason", " ")]
    [InlineData("--status", "resolved", "--reason", "fixed")]
    public async Task SetStatus_MissingReasonOrServerOnlyStatus_UsageErrorAndNoCall(params string[] flags)
    {
        var run = await RunAsync(["findings", "set-status", FakeFindingService.FindingId, .. flags]);

        Assert.True(run.ExitCode == 2, run.Error);
        Assert.Empty(ControlPlane.State.Requests.OfType<SetFindingStatusRequest>());
    }

    [Fact]
    public async Task SetStatus_UnknownFinding_NotFoundExit()
    {
        var run = await RunAsync("findings", "set-status", "zzzzzzzzzzzz", "--status", "open");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("not found", run.Error);
    }
}
