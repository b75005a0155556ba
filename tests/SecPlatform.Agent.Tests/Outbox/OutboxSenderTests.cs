using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Outbox;

/// <summary>The sender against a scripted control plane, on a real outbox and a fake clock.</summary>
public sealed class OutboxSenderTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeAgentGateway _gateway;
    private readonly AgentStateStore _store;
    private readonly OutboxOptions _options = new() { MaxBatchFindings = 2 };
    private readonly AgentOutbox _outbox;
    private readonly OutboxStartupGate _gate = new();
    private readonly LeaseMonitor _monitor;
    private readonly ListLogger<OutboxSender> _logger = new();
    private OutboxSender? _sender;

    public OutboxSenderTests()
    {
        _gateway = new FakeAgentGateway(_time);
        _store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);
        _outbox = new AgentOutbox(_store, Options.Create(_options), _time);
        _monitor = new LeaseMonitor(_time, new ListLogger<LeaseMonitor>());
    }

    private IEnumerable<string> Calls => _gateway.CallOrder.Where(call => !call.StartsWith("RenewLease", StringComparison.Ordinal));

    [Fact]
    public async Task Start_RecordedRuns_BatchesOldestFirstThenCompletionsEachDeletedOnAnswer()
    {
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(3, "a"), Samples.Completion("cmd00000000a"));
        _outbox.Record("cmd00000000b", 2, Samples.ManyFindings(1, "b"), Samples.Completion("cmd00000000b", 2));

        await StartAsync();
        await FakeClock.WaitUntilAsync(() => _outbox.Totals().IsEmpty, "an empty outbox");

        Assert.Equal(["StreamFindings", "Batch cmd00000000a-1-1", "Batch cmd00000000a-1-2", "Batch cmd00000000b-2-1",
            "CompleteCommand cmd00000000a", "CompleteCommand cmd00000000b"], Calls);
        var completions = _gateway.Completions.ToList();
        Assert.Equal((1L, CommandOutcome.Succeeded, 3L, 42L, "log tail"),
            (completions[0].FencingToken, completions[0].Outcome, completions[0].FindingCount, completions[0].DurationMs, completions[0].LogTail));
        Assert.Equal((2L, 1L), (completions[1].FencingToken, completions[1].FindingCount));
        // The gate opens once the first delivery attempt has ended, which can be just after the outbox emptied.
        await FakeClock.WaitUntilAsync(() => _gate.IsOpen, "the gate");
        Assert.Contains(_logger.Entries, e => e.Message.Contains("before acquiring the lease"));
    }

    [Fact]
    public async Task Recorded_WhileRunning_DeliveredAtOnce()
    {
        await StartAsync();
        await FakeClock.WaitUntilAsync(() => _gate.IsOpen, "the gate");

        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));
        await FakeClock.WaitUntilAsync(() => _outbox.Totals().IsEmpty, "an empty outbox");

        Assert.Equal(["StreamFindings", "Batch cmd00000000a-1-1", "CompleteCommand cmd00000000a"], Calls);
    }

    [Fact]
    public async Task Deliver_BatchRefused_DroppedWithTheReasonLoggedAndTheCompletionAnnouncesTheRest()
    {
        _gateway.OnBatch = batch => batch.BatchId.EndsWith("-1", StringComparison.Ordinal)
            ? new FindingBatchAck { BatchId = batch.BatchId, RefusedReason = "finding 0123456789ab: a field is out of bounds" }
            : new FindingBatchAck { BatchId = batch.BatchId, Accepted = true, NewCount = batch.Findings.Count };
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(3), Samples.Completion("cmd00000000a"));

        await StartAsync();
        await FakeClock.WaitUntilAsync(() => _outbox.Totals().IsEmpty, "an empty outbox");

        var completion = Assert.Single(_gateway.Completions);
        Assert.Equal((1L, true), (completion.FindingCount, completion.Truncated));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning
            && e.Message.Contains("cmd00000000a-1-1") && e.Message.Contains("refused by the control plane and dropped: finding 0123456789ab: a field is out of bounds"));
    }

    [Fact]
    public async Task Deliver_StaleBatchAndCompletion_BothDroppedWithTheReasonLogged()
    {
        _gateway.OnBatch = batch => new FindingBatchAck { BatchId = batch.BatchId, RefusedReason = "stale fencing token 1 for command cmd00000000a: it was reassigned or has ended" };
        _gateway.OnComplete = _ => throw FakeAgentGateway.Error(StatusCode.FailedPrecondition,
            "stale fencing token for command cmd00000000a: it was reassigned or has ended (running); drop this attempt's work");
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a", outcome: CompletionOutcome.Failed));

        await StartAsync();
        await FakeClock.WaitUntilAsync(() => _outbox.Totals().IsEmpty, "an empty outbox");
        await FakeClock.WaitUntilAsync(() => _logger.Entries.Any(e => e.Message.Contains("completion (Failed) refused by the control plane and dropped: stale fencing token")),
            "the completion's drop");

        Assert.Single(_gateway.Completions);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("batch cmd00000000a-1-1") && e.Message.Contains("dropped: stale fencing token 1"));
    }

    [Fact]
    public async Task Deliver_FindingsNotAllCommitted_CompletionKeptAndSentAgainLater()
    {
        var answers = 0;
        _gateway.OnComplete = _ => Interlocked.Increment(ref answers) <= 2
            ? throw FakeAgentGateway.Error(StatusCode.FailedPrecondition, "0 of the run's 1 findings are committed; deliver the rest before completing")
            : new CompleteCommandResponse { Status = "succeeded" };
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));

        await StartAsync();
        await FakeClock.DriveUntilAsync(_time, () => _outbox.Totals().IsEmpty, what: "an empty outbox");

        Assert.Equal(3, _gateway.Completions.Count);
        Assert.Single(_gateway.Batches);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("completion kept for later: 0 of the run's 1 findings are committed"));
    }

    [Fact]
    public async Task Deliver_ControlPlaneUnreachable_BacksOffWithJitterNeverInATightLoopThenDelivers()
    {
        var opens = new List<DateTimeOffset>();
        _gateway.OnOpenStream = _ =>
        {
            lock (opens)
            {
                opens.Add(_time.GetUtcNow());
                return opens.Count <= 12 ? throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused") : Task.CompletedTask;
            }
        };
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));

        await StartAsync(new ScriptedRandom(0.0));
        await FakeClock.WaitUntilAsync(() => _gate.IsOpen, "the gate");
        await FakeClock.DriveUntilAsync(_time, () => _outbox.Totals().IsEmpty, TimeSpan.FromMilliseconds(50), "an empty outbox");

        lock (opens)
        {
            Assert.Equal(13, opens.Count);
            for (var i = 1; i < opens.Count; i++)
            {
                Assert.True(opens[i] - opens[i - 1] >= _options.MinimumBackoff, $"retry {i} came {opens[i] - opens[i - 1]} after the one before");
            }
        }

        // Logged on the first failure in a row and the eleventh, not on each one.
        Assert.Equal(2, _logger.Entries.Count(e => e.Message.Contains("Outbox delivery failed")));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("ended Failed") && e.Message.Contains("acquiring the lease anyway"));
    }

    [Fact]
    public async Task Deliver_Unreachable_ASuccessfulRenewalCutsTheBackOffShort()
    {
        var fail = true;
        _gateway.OnOpenStream = _ => Volatile.Read(ref fail) ? throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused") : Task.CompletedTask;
        _options.InitialBackoff = TimeSpan.FromMinutes(5);
        _options.MaxBackoff = TimeSpan.FromMinutes(5);
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));
        await StartAsync(new ScriptedRandom(1.0));

        Volatile.Write(ref fail, false);
        _monitor.Renewed(_time.GetTimestamp(), TimeSpan.FromSeconds(40), false, []);
        await FakeClock.WaitUntilAsync(() => _outbox.Totals().IsEmpty, "an empty outbox");
    }

    [Fact]
    public async Task Start_OutboxHoldsWork_TheGateOpensOnlyOnceTheFirstAttemptEnded()
    {
        var open = new TaskCompletionSource();
        _gateway.OnOpenStream = _ => open.Task;
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));

        await StartAsync();
        await Task.Delay(100);
        Assert.False(_gate.IsOpen);

        open.SetResult();
        await _gate.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(_outbox.Totals().IsEmpty);
    }

    [Fact]
    public async Task Start_FirstAttemptHangs_TheGateOpensAfterTheInitialDeliveryTimeout()
    {
        _gateway.OnOpenStream = cancellationToken => Task.Delay(Timeout.Infinite, cancellationToken);
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));

        await StartAsync();
        _time.Advance(_options.InitialDeliveryTimeout - TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(_gate.IsOpen);

        await FakeClock.DriveUntilAsync(_time, () => _gate.IsOpen, what: "the gate");
        Assert.Equal(1, _outbox.Totals().Batches);
    }

    [Fact]
    public async Task Stop_PendingWork_FlushedBeforeTheSenderEnds()
    {
        var fail = true;
        _gateway.OnOpenStream = _ => Volatile.Read(ref fail) ? throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused") : Task.CompletedTask;
        _options.InitialBackoff = TimeSpan.FromMinutes(5);
        _options.MaxBackoff = TimeSpan.FromMinutes(5);
        // Recorded before the start: recorded after it, the record's wake-up could land during the failing round and
        // start a second round at once, which would deliver the work before the stop and leave the flush nothing to do.
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));
        await StartAsync(new ScriptedRandom(1.0));
        await FakeClock.WaitUntilAsync(() => _logger.Entries.Any(e => e.Message.Contains("Outbox delivery failed")), "a failed round");

        Volatile.Write(ref fail, false);
        await _sender!.StopAsync(CancellationToken.None);

        Assert.True(_outbox.Totals().IsEmpty);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("Stopping: delivering 1 batches"));
    }

    [Fact]
    public async Task Stop_ControlPlaneHangs_FlushGivesUpAfterTheFlushTimeoutAndKeepsTheWork()
    {
        _gateway.OnOpenStream = cancellationToken => Task.Delay(Timeout.Infinite, cancellationToken);
        _options.InitialDeliveryTimeout = TimeSpan.FromSeconds(1);
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(1), Samples.Completion("cmd00000000a"));
        await StartAsync();
        await FakeClock.DriveUntilAsync(_time, () => _gate.IsOpen, what: "the gate");

        var stop = _sender!.StopAsync(CancellationToken.None);
        await FakeClock.DriveUntilAsync(_time, () => stop.IsCompleted, TimeSpan.FromSeconds(1), "the stop");

        await stop;
        Assert.Equal(1, _outbox.Totals().Batches);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("stay in the outbox for the next start"));
    }

    [Fact]
    public async Task TestHold_AfterAck_BatchesAcknowledgedButNothingDeletedAndNoCompletion()
    {
        _options.TestHold = OutboxTestHold.AfterAck;
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(3), Samples.Completion("cmd00000000a"));

        await StartAsync();
        await FakeClock.WaitUntilAsync(() => _gate.IsOpen, "the gate");
        _outbox.Record("cmd00000000b", 1, Samples.ManyFindings(1, "b"), Samples.Completion("cmd00000000b"));
        await Task.Delay(100);

        Assert.Equal(["StreamFindings", "Batch cmd00000000a-1-1", "Batch cmd00000000a-1-2"], Calls);
        Assert.Equal(3, _outbox.Totals().Batches);
        Assert.Empty(_gateway.Completions);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("TEST HOOK"));
    }

    [Fact]
    public async Task TestHold_BeforeSend_SendsNothing()
    {
        _options.TestHold = OutboxTestHold.BeforeSend;
        _outbox.Record("cmd00000000a", 1, Samples.ManyFindings(3), Samples.Completion("cmd00000000a"));

        await StartAsync();
        await FakeClock.WaitUntilAsync(() => _gate.IsOpen, "the gate");
        await _sender!.StopAsync(CancellationToken.None);

        Assert.Empty(Calls);
        Assert.Equal(2, _outbox.Totals().Batches);
    }

    private async Task StartAsync(Random? random = null)
    {
        _sender = new OutboxSender(_gateway, _outbox, _gate, _monitor, Options.Create(_options), _time, random ?? new ScriptedRandom(0.5), _logger);
        await _sender.StartAsync(CancellationToken.None);
    }

    // xUnit 2 disposes test classes through IAsyncLifetime (it does not call IAsyncDisposable).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_sender is not null)
        {
            await _sender.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System).ContinueWith(_ => { }, TaskScheduler.Default);
            _sender.Dispose();
        }

        _monitor.Dispose();
        _store.Dispose();
        _temp.Dispose();
    }
}
