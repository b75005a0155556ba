using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Cli.Tests.Support;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class CommandsCommandTests : CommandTestBase
{
    private const string CursorUp = "\u001b[";

    [Fact]
    public async Task List_Filters_ArePassedThrough()
    {
        var run = await RunAsync("commands", "list", "--tenant", "acme", "--status", "Running, queued,running", "--agent", "ag1",
            "--limit", "5", "--cursor", "c1");

        Assert.Equal(0, run.ExitCode);
        var request = ControlPlane.State.Last<ListCommandsRequest>();
        Assert.Equal("acme", request.Tenant);
        Assert.Equal("running,queued", request.Status);
        Assert.Equal("ag1", request.AgentId);
        Assert.Equal(5, request.PageSize);
        Assert.Equal("c1", request.PageToken);
    }

    [Fact]
    public async Task List_NoFilters_SendsEmptyFilters()
    {
        var run = await RunAsync("commands", "list");

        Assert.Equal(0, run.ExitCode);
        var request = ControlPlane.State.Last<ListCommandsRequest>();
        Assert.Equal(string.Empty, request.Tenant);
        Assert.Equal(string.Empty, request.Status);
        Assert.Equal(string.Empty, request.AgentId);
    }

    [Fact]
    public async Task List_Table_HasQueueColumnsAndNextPageHint()
    {
        var run = await RunAsync("commands", "list");

        Assert.Equal(0, run.ExitCode);
        var lines = run.OutLines;
        Assert.Equal(["ID", "TENANT", "SCANNER", "STATUS", "ATTEMPT", "AGENT", "CREATED", "REASON"], Cells(lines[0]));
        Assert.Equal(["cmd-ok", "tn-acme", "shellcheck", "queued", "0/3", "-", "2025-06-01T12:00:00Z", "-"], Cells(lines[1]));
        Assert.Equal(["cmd-fail", "tn-acme", "shellcheck", "failed", "1/3", "ag1", "2025-06-01T12:00:00Z", FakeCommandService.FailureReason], Cells(lines[2]));
        Assert.Equal("more results: --cursor page-2", lines[^1]);
    }

    [Fact]
    public async Task List_Json_HasItemsWithLowercaseStatusAndNextCursor()
    {
        var run = await RunAsync("commands", "list", "-o", "json");

        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal("queued", json["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("failed", json["items"]![1]!["status"]!.GetValue<string>());
        Assert.Equal("page-2", json["nextCursor"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("--status", "done")]
    [InlineData("--status", "unspecified")]
    [InlineData("--status", ",")]
    [InlineData("--limit", "0")]
    public async Task List_BadFilter_ExitsUsage(params string[] args)
    {
        var run = await RunAsync(["commands", "list", .. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("secplat: ", Assert.Single(run.ErrorLines));
        Assert.Empty(ControlPlane.State.Requests);
    }

    [Fact]
    public async Task Get_Json_HasIdAndStatus()
    {
        var run = await RunAsync("commands", "get", FakeCommandService.CanceledId, "-o", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(FakeCommandService.CanceledId, json["id"]!.GetValue<string>());
        Assert.Equal("canceled", json["status"]!.GetValue<string>());
        Assert.Equal(FakeCommandService.CanceledId, ControlPlane.State.Last<GetCommandRequest>().Id);
    }

    [Fact]
    public async Task Get_Unknown_ExitsNotFound()
    {
        var run = await RunAsync("commands", "get", "nope");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("secplat: command 'nope' not found", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Cancel_SendsIdAndPrintsCanceledCommand()
    {
        var run = await RunAsync("commands", "cancel", FakeCommandService.StuckId);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(FakeCommandService.StuckId, ControlPlane.State.Last<CancelCommandRequest>().Id);
        Assert.Equal("ID", Cells(run.OutLines[0])[0]);
        Assert.Equal([FakeCommandService.StuckId, "tn-acme", "shellcheck", "canceled"], Cells(run.OutLines[1])[..4]);
    }

    [Fact]
    public async Task Cancel_Json_PrintsCommandWithCanceledStatus()
    {
        var run = await RunAsync("commands", "cancel", FakeCommandService.StuckId, "-o", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(FakeCommandService.StuckId, json["id"]!.GetValue<string>());
        Assert.Equal("canceled", json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_Unknown_ExitsNotFound()
    {
        var run = await RunAsync("commands", "cancel", "nope");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("secplat: command 'nope' not found", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Watch_SucceedingCommand_Json_PrintsOneLinePerChangeAndExitsZero()
    {
        var run = await WatchAsync(FakeCommandService.SucceedingId, "--output", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        var lines = run.OutLines;
        // Four reads, three changes: the second "running 40%" is not printed again.
        Assert.Equal(4, FakeCommandService.Reads(ControlPlane.State, FakeCommandService.SucceedingId));
        Assert.Equal(3, lines.Length);
        var records = lines.Select(line => JsonNode.Parse(line)!).ToList();
        Assert.All(records, record => Assert.Equal(FakeCommandService.SucceedingId, record["id"]!.GetValue<string>()));
        Assert.Equal(["queued", "running", "succeeded"], records.Select(record => record["status"]!.GetValue<string>()));
        Assert.Equal(40, records[1]["progressPercent"]!.GetValue<int>());
        Assert.Equal("scanning", records[1]["progressMessage"]!.GetValue<string>());
        Assert.Equal(1, records[2]["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task Watch_OneFails_ExitsOneNamingItOnStderr()
    {
        var run = await WatchAsync(FakeCommandService.SucceedingId, FakeCommandService.FailingId, "--output", "json");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(
            $"secplat: 1 of 2 commands did not succeed: {FakeCommandService.FailingId} failed: {FakeCommandService.FailureReason}",
            Assert.Single(run.ErrorLines));
        var finals = run.OutLines.Select(line => JsonNode.Parse(line)!)
            .GroupBy(record => record["id"]!.GetValue<string>())
            .ToDictionary(group => group.Key, group => group.Last()["status"]!.GetValue<string>());
        Assert.Equal("succeeded", finals[FakeCommandService.SucceedingId]);
        Assert.Equal("failed", finals[FakeCommandService.FailingId]);
    }

    [Fact]
    public async Task Watch_AlreadyCanceled_ReadsOnceAndExitsOne()
    {
        var run = await WatchAsync(FakeCommandService.CanceledId, FakeCommandService.CanceledId);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(1, FakeCommandService.Reads(ControlPlane.State, FakeCommandService.CanceledId));
        Assert.Equal(
            $"secplat: 1 of 1 commands did not succeed: {FakeCommandService.CanceledId} canceled: canceled by admin",
            Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Watch_UnknownId_ExitsNotFound()
    {
        var run = await WatchAsync(FakeCommandService.SucceedingId, "nope");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("secplat: command 'nope' not found", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Watch_NeverFinishes_TimesOutWithExitOne()
    {
        var time = new FastForwardTimeProvider();

        var run = await RunAsync(time, null, "commands", "watch", FakeCommandService.StuckId, FakeCommandService.SucceedingId,
            "--interval", "2s", "--timeout", "10s");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(
            $"secplat: timed out after 10s: 1 of 2 commands not finished ({FakeCommandService.StuckId} running)",
            Assert.Single(run.ErrorLines));
        // A read at 0, 2, 4, 6, 8 and 10 seconds, then the time is up.
        Assert.Equal(6, FakeCommandService.Reads(ControlPlane.State, FakeCommandService.StuckId));
    }

    [Fact]
    public async Task Watch_Piped_PrintsALineOnlyWhenSomethingChanged()
    {
        var run = await WatchAsync(FakeCommandService.SucceedingId);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain(CursorUp, run.Out);
        Assert.Equal(
        [
            "cmd-ok  shellcheck  queued  0/3  -  -",
            "cmd-ok  shellcheck  running  1/3  40%  scanning",
            "cmd-ok  shellcheck  succeeded  1/3  100%  3 findings",
        ],
            run.OutLines);
    }

    [Fact]
    public async Task Watch_Terminal_RedrawsTheTableInPlace()
    {
        var run = await RunAsync(new FastForwardTimeProvider(), 120, "commands", "watch", FakeCommandService.SucceedingId, FakeCommandService.FailingId);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        // Frames: the first draw, then one redraw per poll that changed something, each moving up
        // over the header and both rows before drawing them again.
        var frames = run.Out.Split("\u001b[3A");
        Assert.Equal(4, frames.Length);
        Assert.DoesNotContain(CursorUp + "3A", frames[0]);
        var last = frames[^1].Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Replace("\r\u001b[2K", string.Empty, StringComparison.Ordinal))
            .ToList();
        Assert.Equal(["ID", "SCANNER", "STATUS", "ATTEMPT", "PROGRESS", "MESSAGE"], Cells(last[0]));
        Assert.Equal(["cmd-ok", "shellcheck", "succeeded", "1/3", "100%", "3 findings"], Cells(last[1]));
        Assert.Equal(["cmd-fail", "shellcheck", "failed", "1/3", "10%", FakeCommandService.FailureReason], Cells(last[2]));
    }

    [Fact]
    public async Task Watch_CtrlC_ExitsInterrupted()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var environment = new CliEnvironment(new FirstLineSignal(output, interrupt), error, _ => null, TimeProvider.System);

        var exitCode = await CliApplication.RunAsync(
            ["commands", "watch", FakeCommandService.StuckId, "--interval", "1h", "--server", ControlPlane.Server, "--api-key", FakeControlPlane.ApiKey],
            environment, interrupt.Token);

        Assert.Equal(ExitCodes.Interrupted, exitCode);
        Assert.Equal("secplat: interrupted", error.ToString().Trim());
        Assert.Contains("still going", output.ToString());
    }

    [Theory]
    [InlineData("--interval", "0s")]
    [InlineData("--interval", "fast")]
    [InlineData("--timeout", "soon")]
    public async Task Watch_BadOption_ExitsUsage(params string[] args)
    {
        var run = await RunAsync(["commands", "watch", FakeCommandService.SucceedingId, .. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("secplat: ", Assert.Single(run.ErrorLines));
        Assert.Empty(ControlPlane.State.Requests);
    }

    [Fact]
    public async Task Watch_NoId_ExitsUsage()
    {
        var run = await RunAsync("commands", "watch");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    private Task<CliRun> WatchAsync(params string[] args) =>
        RunAsync(new FastForwardTimeProvider(), null, ["commands", "watch", .. args]);

    private static string[] Cells(string line) => Regex.Split(line.Trim(), " {2,}");

    /// <summary>Presses "Ctrl+C" (cancels) once the watch has printed its first line.</summary>
    private sealed class FirstLineSignal(StringWriter inner, CancellationTokenSource interrupt) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            interrupt.Cancel();
        }

        public override string ToString() => inner.ToString();
    }
}
