using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Outbox;

/// <summary>The outbox on a real <c>agent.db</c>.</summary>
public sealed class AgentOutboxTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly OutboxOptions _options = new() { MaxBatchFindings = 500, MaxPendingFindings = 1000 };
    private AgentStateStore _store;

    public AgentOutboxTests()
    {
        _store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);
    }

    private AgentOutbox Outbox => new(_store, Options.Create(_options), _time);

    [Fact]
    public void Record_Run_BatchesAndCompletionWithTheDistinctFindingCount()
    {
        var recording = Outbox.Record("cmd000000001", 2, Samples.ManyFindings(1200), Samples.Completion("cmd000000001", 2));

        Assert.Equal(new OutboxRecording(3, 1200), recording);
        var batches = Outbox.PendingBatches(100);
        Assert.Equal([500, 500, 200], batches.Select(b => b.FindingCount));
        Assert.Equal(["cmd000000001-2-1", "cmd000000001-2-2", "cmd000000001-2-3"], batches.Select(b => b.BatchId));
        var completion = Assert.Single(Outbox.PendingCompletions());
        Assert.Equal(("cmd000000001", 2L, 1200L, CompletionOutcome.Succeeded), (completion.CommandId, completion.FencingToken, completion.FindingCount, completion.Outcome));
        Assert.Equal(_time.GetUtcNow(), completion.RecordedAt);
        Assert.Equal("log tail", completion.LogTail);
        var totals = Outbox.Totals();
        Assert.Equal((3, 1200L, 1), (totals.Batches, totals.Findings, totals.Completions));
        Assert.Equal(batches.Sum(b => (long)b.SizeBytes), totals.Bytes);
    }

    [Fact]
    public void Load_Batch_IsWhatIsSent()
    {
        var findings = Samples.ManyFindings(3);
        Outbox.Record("cmd000000001", 1, findings, Samples.Completion("cmd000000001"));

        var batch = Outbox.Load(Assert.Single(Outbox.PendingBatches(10)))!;

        Assert.Equal("cmd000000001-1-1", batch.BatchId);
        Assert.Equal(1, batch.FencingToken);
        Assert.Equal(findings.Select(f => f.Fingerprint), batch.Findings.Select(f => f.Fingerprint));
        Assert.Equal("cp $f $2", batch.Findings[0].Evidence);
    }

    [Fact]
    public void PendingBatches_SeveralRuns_OldestFirst()
    {
        Outbox.Record("cmd00000000b", 1, Samples.ManyFindings(2, "b"), Samples.Completion("cmd00000000b"));
        Outbox.Record("cmd00000000a", 1, Samples.ManyFindings(2, "a"), Samples.Completion("cmd00000000a"));
        Outbox.Acknowledged(Outbox.PendingBatches(1)[0]);
        Outbox.Record("cmd00000000c", 1, Samples.ManyFindings(2, "c"), Samples.Completion("cmd00000000c"));

        Assert.Equal(["cmd00000000a", "cmd00000000c"], Outbox.PendingBatches(10).Select(b => b.CommandId));
        Assert.Equal(["cmd00000000b", "cmd00000000a", "cmd00000000c"], Outbox.PendingCompletions().Select(c => c.CommandId));
    }

    [Fact]
    public void RecordOutboxRun_FailsMidway_WritesNothing()
    {
        Outbox.Record("cmd000000001", 1, Samples.ManyFindings(2), Samples.Completion("cmd000000001"));
        var small = new FindingBatch { BatchId = "cmd000000002-1-1", CommandId = "cmd000000002", FencingToken = 1 };
        small.Findings.Add(FindingBatcher.ToProto(Samples.Finding(1)));
        // LiteDB refuses a document over 16 MiB: the third insert of the transaction fails after two succeeded.
        var huge = new FindingBatch { BatchId = "cmd000000002-1-2", CommandId = "cmd000000002", FencingToken = 1 };
        huge.Findings.Add(FindingBatcher.ToProto(Samples.Finding(2, message: new string('m', 17 * 1024 * 1024))));

        Assert.Throws<AgentStateException>(() => _store.RecordOutboxRun([small, huge], Samples.Completion("cmd000000002")));

        Assert.Equal(["cmd000000001"], Outbox.PendingBatches(10).Select(b => b.CommandId));
        Assert.Equal(["cmd000000001"], Outbox.PendingCompletions().Select(c => c.CommandId));
        Assert.False(Outbox.HasBatches("cmd000000002", 1));
    }

    [Fact]
    public void Record_ThenReopen_StillPending()
    {
        Outbox.Record("cmd000000001", 1, Samples.ManyFindings(3), Samples.Completion("cmd000000001"));

        _store.Dispose();
        _store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);

        Assert.Equal(3, Outbox.Totals().Findings);
        Assert.Single(Outbox.PendingCompletions());
    }

    [Fact]
    public void FullReason_AtTheFindingLimit_FullUntilDelivered()
    {
        Assert.Null(Outbox.FullReason());
        Outbox.Record("cmd000000001", 1, Samples.ManyFindings(999), Samples.Completion("cmd000000001"));
        Assert.Null(Outbox.FullReason());

        // Past the limit it is still recorded (never dropped): the agent just takes no new work.
        Outbox.Record("cmd000000002", 1, Samples.ManyFindings(600, "2"), Samples.Completion("cmd000000002"));

        Assert.Contains("1599 undelivered findings (limit 1000)", Outbox.FullReason());
        Assert.Equal(1599, Outbox.Totals().Findings);
        Outbox.Acknowledged(Outbox.PendingBatches(1)[0]);
        Outbox.Acknowledged(Outbox.PendingBatches(1)[0]);
        Assert.Null(Outbox.FullReason());
    }

    [Fact]
    public void FullReason_AtTheByteLimit_Full()
    {
        _options.MaxPendingBytes = 10_000;
        Outbox.Record("cmd000000001", 1, Samples.ManyFindings(100), Samples.Completion("cmd000000001"));

        Assert.Contains("bytes of undelivered findings (limit 10000)", Outbox.FullReason());
    }

    [Fact]
    public void Acknowledged_DeletesBatchAndPayloadAndPulsesFreed()
    {
        var outbox = Outbox;
        outbox.Record("cmd000000001", 1, Samples.ManyFindings(3), Samples.Completion("cmd000000001"));
        var batch = Assert.Single(outbox.PendingBatches(10));
        var freed = outbox.Freed.Next();

        outbox.Acknowledged(batch);

        Assert.True(freed.IsCompleted);
        Assert.Empty(outbox.PendingBatches(10));
        Assert.Null(outbox.Load(batch));
        Assert.False(outbox.HasBatches("cmd000000001", 1));
        Assert.Equal(3, Assert.Single(outbox.PendingCompletions()).FindingCount);
    }

    [Fact]
    public void Refused_DropsTheBatchAndTakesItsFindingsOutOfTheCompletion()
    {
        _options.MaxBatchFindings = 2;
        Outbox.Record("cmd000000001", 1, Samples.ManyFindings(3), Samples.Completion("cmd000000001"));
        Outbox.Record("cmd000000002", 1, Samples.ManyFindings(1, "2"), Samples.Completion("cmd000000002"));

        Outbox.Refused(Outbox.PendingBatches(1)[0]);

        var completions = Outbox.PendingCompletions();
        Assert.Equal((1L, true), (completions[0].FindingCount, completions[0].Truncated));
        Assert.Equal((1L, false), (completions[1].FindingCount, completions[1].Truncated));
        Assert.Equal(2, Outbox.Totals().Findings);
    }

    [Fact]
    public void NotYet_CountsDeliveryAttempts()
    {
        Outbox.Record("cmd000000001", 1, [], Samples.Completion("cmd000000001"));

        Outbox.NotYet(Outbox.PendingCompletions()[0]);
        Outbox.NotYet(Outbox.PendingCompletions()[0]);

        Assert.Equal(2, Outbox.PendingCompletions()[0].DeliveryAttempts);
        Outbox.Delivered(Outbox.PendingCompletions()[0]);
        Assert.True(Outbox.Totals().IsEmpty);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }
}
