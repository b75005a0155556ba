using System.Runtime.Versioning;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Commands;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Commands;

/// <summary>
/// The command loop against a scripted control plane, with the real scanning engine (real processes: a test-only
/// entry that waits for a file, and real shellcheck) and a real outbox; lease time runs on a fake clock.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CommandLoopServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _temp = new();
    private readonly string _root;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeAgentGateway _gateway;
    private readonly AgentStateStore _store;
    private readonly OutboxOptions _outboxOptions = new();
    private readonly CommandLoopOptions _options = new() { DrainTimeout = TimeSpan.FromSeconds(5) };
    private readonly AgentOutbox _outbox;
    private readonly LeaseMonitor _monitor;
    private readonly RunningCommands _running = new();
    private readonly ListLogger<CommandLoopService> _logger = new();
    private readonly ListLogger<CommandRunner> _runnerLogger = new();
    private CommandLoopService? _loop;

    public CommandLoopServiceTests()
    {
        _root = AgentPlatforms.Current.RealPath(_temp.Path)!;
        _gateway = new FakeAgentGateway(_time);
        _store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);
        _outbox = new AgentOutbox(_store, Options.Create(_outboxOptions), _time);
        _monitor = new LeaseMonitor(_time, new ListLogger<LeaseMonitor>());
        // Waits for "go" in its target directory, after leaving a "started" mark there.
        Scripts.Write(Path.Combine(_root, "wait-for-go"), "touch \"$1/started\"\nwhile [ ! -e \"$1/go\" ]; do sleep 0.05; done\nexit 0");
    }

    [Fact]
    public async Task Pull_OnlyOnceTheLeaseIsHeld_AskingForTheFreeSlots()
    {
        await StartAsync();
        await Task.Delay(100);
        Assert.Empty(_gateway.Pulls);

        Renewed();
        await WaitForPullsAsync(1);
        await Answer(Slow("cmd00000000a", "a"));
        await WaitForPullsAsync(2);
        await Answer(Slow("cmd00000000b", "b"));
        await WaitStartedAsync("a");
        await WaitStartedAsync("b");
        await Task.Delay(200);

        Assert.Equal([(2, 30), (1, 30)], _gateway.Pulls.Select(p => (p.MaxCommands, p.WaitSeconds)));
        Go("a");
        await WaitForPullsAsync(3);
        Assert.Equal(1, _gateway.Pulls.Last().MaxCommands);
    }

    [Fact]
    public async Task Run_RealShellCheck_FindingsAndCompletionRecordedInOneGoAfterStartAndProgress()
    {
        var script = Path.Combine(_root, "copy.sh");
        File.WriteAllText(script, ScanTargets.ShellScript);
        await StartHeldAsync();

        await Answer(Samples.Command("cmd00000000a", "shellcheck", script, fencingToken: 3));
        var completion = await WaitForCompletionAsync("cmd00000000a");

        Assert.Equal((CompletionOutcome.Succeeded, 3L, 7L, 1), (completion.Outcome, completion.FencingToken, completion.FindingCount, completion.ExitCode));
        Assert.Equal(7, _outbox.Totals().Findings);
        var start = Assert.Single(_gateway.Starts);
        Assert.Equal(("cmd00000000a", 3L), (start.CommandId, start.FencingToken));
        var progress = Assert.Single(_gateway.ProgressReports);
        Assert.Equal("shellcheck started", progress.Message);
    }

    [Fact]
    public async Task Run_OutsideTheAllowedRoots_FailedNotRetryableWithTheReasonAndNothingRan()
    {
        await StartHeldAsync();

        await Answer(Samples.Command("cmd00000000a", "shellcheck", "/etc/passwd"));
        var completion = await WaitForCompletionAsync("cmd00000000a");

        Assert.Equal((CompletionOutcome.Failed, false, -1, 0L), (completion.Outcome, completion.Retryable, completion.ExitCode, completion.FindingCount));
        Assert.Contains("/etc/passwd", completion.Error);
    }

    [Fact]
    public async Task Run_StartAnsweredStale_DroppedBeforeAnythingRuns()
    {
        _gateway.OnStart = _ => throw FakeAgentGateway.Error(StatusCode.FailedPrecondition, "stale fencing token for command cmd00000000a");
        await StartHeldAsync();

        await Answer(Slow("cmd00000000a", "a"));
        await FakeClock.WaitUntilAsync(() => _runnerLogger.Entries.Any(e => e.Message.Contains("dropped before it ran")), "the drop");
        await FakeClock.WaitUntilAsync(() => _running.Count == 0, "the end of the run");

        Assert.False(File.Exists(Path.Combine(_root, "a", "started")));
        Assert.True(_outbox.Totals().IsEmpty);
    }

    [Fact]
    public async Task StopRequest_InAPullAnswer_KillsTheScanAndRecordsCanceled()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a"));
        await WaitStartedAsync("a");
        await WaitForPullsAsync(2);

        var answer = new PullCommandsResponse();
        answer.StopCommandIds.Add("cmd00000000a");
        answer.StopCommandIds.Add("cmd0000other");
        await _gateway.PullAnswers.Writer.WriteAsync(answer);
        var completion = await WaitForCompletionAsync("cmd00000000a");

        Assert.Equal((CompletionOutcome.Canceled, false), (completion.Outcome, completion.Retryable));
        Assert.Equal("stopped at the control plane's request", completion.Error);
    }

    [Fact]
    public async Task StopRequest_InARenewAnswer_KillsTheScanAndRecordsCanceled()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a"));
        await WaitStartedAsync("a");

        _monitor.Renewed(_time.GetTimestamp(), Lease, false, ["cmd00000000a"]);

        Assert.Equal(CompletionOutcome.Canceled, (await WaitForCompletionAsync("cmd00000000a")).Outcome);
    }

    [Fact]
    public async Task StopRequest_InAProgressAnswer_KillsTheScanAndRecordsCanceled()
    {
        _gateway.OnProgress = _ => new ReportProgressResponse { StopRequested = true };
        await StartHeldAsync();

        await Answer(Slow("cmd00000000a", "a"));

        Assert.Equal(CompletionOutcome.Canceled, (await WaitForCompletionAsync("cmd00000000a")).Outcome);
    }

    [Fact]
    public async Task SelfFencing_StopsRunningScansAsRetryableFailuresAndPullsNoMoreUntilRenewed()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a"));
        await WaitStartedAsync("a");
        await WaitForPullsAsync(2);

        _time.Advance(Lease * 0.8);
        var completion = await WaitForCompletionAsync("cmd00000000a");

        Assert.Equal((CompletionOutcome.Failed, true), (completion.Outcome, completion.Retryable));
        Assert.StartsWith("self-fenced: lease may be lost", completion.Error);
        await FakeClock.WaitUntilAsync(() => _running.Count == 0, "the end of the run");
        await WaitForLogAsync("Taking no new work: self-fenced");
        await Task.Delay(200);
        Assert.Equal(2, _gateway.Pulls.Count);

        Renewed();
        await WaitForPullsAsync(3);
    }

    [Fact]
    public async Task Superseded_StopsRunningScans()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a"));
        await WaitStartedAsync("a");

        _monitor.Lost(LeaseLoss.Superseded);

        var completion = await WaitForCompletionAsync("cmd00000000a");
        Assert.Equal("lease lost: another process holds this agent's lease", completion.Error);
    }

    [Fact]
    public async Task Drain_NoPullWhileTheControlPlaneAsksForIt()
    {
        await StartAsync();
        _monitor.Renewed(_time.GetTimestamp(), Lease, drain: true, []);
        await WaitForLogAsync("Taking no new work: the control plane asks this agent to drain");
        await Task.Delay(200);

        Assert.Empty(_gateway.Pulls);
        Renewed();
        await WaitForPullsAsync(1);
    }

    [Fact]
    public async Task OutboxFull_NoPullUntilItDrains()
    {
        _outboxOptions.MaxPendingFindings = 5;
        _outbox.Record("cmd00000000z", 1, Samples.ManyFindings(7), Samples.Completion("cmd00000000z"));
        await StartHeldAsync(waitForPull: false);
        await WaitForLogAsync("Taking no new work: the outbox holds 7 undelivered findings (limit 5)");
        await Task.Delay(200);

        Assert.Empty(_gateway.Pulls);
        _outbox.Acknowledged(_outbox.PendingBatches(1)[0]);
        await WaitForPullsAsync(1);
    }

    [Fact]
    public async Task Timeout_TheScannerIsKilledAtTheCommandsTimeout_FailedNotRetryable()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a", timeoutSeconds: 3));
        await WaitStartedAsync("a");

        await FakeClock.DriveUntilAsync(_time, () => _outbox.PendingCompletions().Count > 0, TimeSpan.FromMilliseconds(200), "the completion");
        var completion = _outbox.PendingCompletions()[0];

        Assert.Equal((CompletionOutcome.Failed, false), (completion.Outcome, completion.Retryable));
        Assert.Contains("past its 3 s timeout", completion.Error);
    }

    [Fact]
    public async Task Stop_RunningScanFinishesWithinTheDrainTimeout_RecordedAsItEnded()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a"));
        await WaitStartedAsync("a");

        var stop = _loop!.StopAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(stop.IsCompleted);
        Go("a");
        await stop.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(CompletionOutcome.Succeeded, Assert.Single(_outbox.PendingCompletions()).Outcome);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("waiting up to 00:00:05 for 1 running scans"));
    }

    [Fact]
    public async Task Stop_PastTheDrainTimeout_ScansCanceledAsRetryableFailures()
    {
        await StartHeldAsync();
        await Answer(Slow("cmd00000000a", "a"));
        await WaitStartedAsync("a");

        var stop = _loop!.StopAsync(CancellationToken.None);
        await FakeClock.DriveUntilAsync(_time, () => stop.IsCompleted, TimeSpan.FromMilliseconds(500), "the stop");

        var completion = Assert.Single(_outbox.PendingCompletions());
        Assert.Equal((CompletionOutcome.Failed, true), (completion.Outcome, completion.Retryable));
        Assert.StartsWith("canceled by shutdown", completion.Error);
    }

    private AssignedCommand Slow(string id, string directory, int timeoutSeconds = 0)
    {
        Directory.CreateDirectory(Path.Combine(_root, directory));
        return Samples.Command(id, "slow-tree", Path.Combine(_root, directory), timeoutSeconds: timeoutSeconds);
    }

    private void Go(string directory) => File.WriteAllText(Path.Combine(_root, directory, "go"), "");

    private void Renewed() => _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);

    private async Task Answer(AssignedCommand command)
    {
        var answer = new PullCommandsResponse();
        answer.Commands.Add(command);
        await _gateway.PullAnswers.Writer.WriteAsync(answer);
    }

    private Task WaitForLogAsync(string text) => FakeClock.WaitUntilAsync(() => _logger.Entries.Any(e => e.Message.Contains(text)), text);

    private Task WaitForPullsAsync(int count) => FakeClock.WaitUntilAsync(() => _gateway.Pulls.Count >= count, $"{count} pulls");

    private Task WaitStartedAsync(string directory) =>
        FakeClock.WaitUntilAsync(() => File.Exists(Path.Combine(_root, directory, "started")), $"the scan in {directory} to start");

    private async Task<OutboxCompletion> WaitForCompletionAsync(string commandId)
    {
        await FakeClock.WaitUntilAsync(() => _outbox.PendingCompletions().Any(c => c.CommandId == commandId), $"the completion of {commandId}");
        return _outbox.PendingCompletions().Single(c => c.CommandId == commandId);
    }

    private async Task StartHeldAsync(bool waitForPull = true)
    {
        await StartAsync();
        Renewed();
        if (waitForPull)
        {
            await WaitForPullsAsync(1);
        }
    }

    private async Task StartAsync()
    {
        var entry = ScanEngines.Entry("slow-tree", Path.Combine(_root, "wait-for-go"), ["{path}"], timeout: TimeSpan.FromHours(1));
        var engine = ScanEngines.Create(ScanEngines.Policy(paths: [_root]), [entry], time: _time);
        var runner = new CommandRunner(_gateway, engine, _outbox, Options.Create(_options), _time, new ScriptedRandom(0.5), _runnerLogger);
        _loop = new CommandLoopService(_gateway, runner, _running, _monitor, _outbox, Options.Create(_options), _time, new ScriptedRandom(0.5), _logger);
        await _loop.StartAsync(CancellationToken.None);
    }

    // xUnit 2 disposes test classes through IAsyncLifetime (it does not call IAsyncDisposable).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_loop is not null)
        {
            _running.StopAll(StopReason.Shutdown);
            await _loop.StopAsync(CancellationToken.None);
            _loop.Dispose();
        }

        _monitor.Dispose();
        _store.Dispose();
        _temp.Dispose();
    }
}
