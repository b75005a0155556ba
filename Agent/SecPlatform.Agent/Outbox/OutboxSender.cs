using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.State;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Outbox;

/// <summary>
/// Delivers the outbox. A round streams the pending batches, oldest first, over one StreamFindings call, one batch
/// then its acknowledgement: an accepted batch is deleted; a refused one (stale fencing token, unknown command, invalid
/// finding) is dropped with its reason logged. Then each completion whose batches are all gone is sent: taken, it is
/// deleted; "N of M findings are committed" keeps it for a later round; a stale token or an unknown command drops it
/// with the reason logged. An unreachable control plane means a jittered exponential back-off (cut short by the next
/// successful lease renewal, which shows the control plane is back).
/// <para>At start, the first round runs before the lease loop's first acquire (<see cref="OutboxStartupGate"/>, opened
/// after that round or <see cref="OutboxOptions.InitialDeliveryTimeout"/>): work recorded by an earlier process goes
/// under its original fencing tokens, which the control plane accepts while they are still the commands' current ones.
/// On a graceful stop (after the command loop drained) a last round of at most <see cref="OutboxOptions.FlushTimeout"/>
/// runs; what is left stays for the next start.</para>
/// Logs carry ids and counts, never findings or log tails.
/// </summary>
public sealed partial class OutboxSender(
    IAgentGateway gateway,
    AgentOutbox outbox,
    OutboxStartupGate startupGate,
    LeaseMonitor monitor,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    Random random,
    ILogger<OutboxSender> logger) : BackgroundService
{
    /// <summary>Batches read from the outbox per step of a round.</summary>
    public const int BatchesPerRead = 32;

    private readonly OutboxOptions _options = options.Value;
    private readonly RetryBackoff _backoff = new(options.Value.InitialBackoff, options.Value.MinimumBackoff, random);
    private bool _heldAfterAck;
    private int _roundFailures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.TestHold != OutboxTestHold.None)
        {
            LogTestHold(_options.TestHold);
        }

        // Taken before each round, so a run recorded during it starts the next one.
        var recorded = outbox.Recorded.Next();
        var renewed = monitor.Changed.Next();
        DeliveryResult result;
        try
        {
            result = await FirstRoundAsync(stoppingToken);
        }
        finally
        {
            startupGate.Open();
        }

        var failures = 0;
        var waiting = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            switch (result)
            {
                case DeliveryResult.Failed:
                    failures++;
                    // Back off, unless a renewal shows the control plane is back (or new work came).
                    var delay = _backoff.NextDelay(failures, _options.MaxBackoff);
                    await AsyncPulse.WaitAsync([recorded, renewed], delay, timeProvider, stoppingToken);
                    break;
                case DeliveryResult.Waiting:
                    // The control plane has not committed every finding yet: ask again a little later.
                    failures = 0;
                    waiting++;
                    await AsyncPulse.WaitAsync(recorded, _backoff.NextDelay(waiting, _options.MaxBackoff), timeProvider, stoppingToken);
                    break;
                default:
                    failures = 0;
                    waiting = 0;
                    await AsyncPulse.WaitAsync(recorded, null, timeProvider, stoppingToken);
                    break;
            }

            recorded = outbox.Recorded.Next();
            renewed = monitor.Changed.Next();
            result = await RoundAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_options.TestHold != OutboxTestHold.None)
        {
            return;
        }

        OutboxTotals totals;
        try
        {
            totals = outbox.Totals();
        }
        catch (AgentStateException e)
        {
            LogStateFailed(e.Message);
            return;
        }

        if (totals.IsEmpty)
        {
            return;
        }

        LogFlushing(totals.Batches, totals.Findings, totals.Completions, _options.FlushTimeout);
        using var flush = new TimeoutScope(_options.FlushTimeout, timeProvider, cancellationToken);
        var result = await RoundAsync(flush.Token, quiet: true);
        var left = SafeTotals();
        if (left is { IsEmpty: false })
        {
            LogFlushIncomplete(result, left.Batches, left.Findings, left.Completions);
        }
    }

    private async Task<DeliveryResult> FirstRoundAsync(CancellationToken stoppingToken)
    {
        var totals = SafeTotals();
        if (totals is null)
        {
            return DeliveryResult.Failed;
        }

        if (totals.IsEmpty)
        {
            return DeliveryResult.Empty;
        }

        LogFirstRound(totals.Batches, totals.Findings, totals.Completions);
        using var first = new TimeoutScope(_options.InitialDeliveryTimeout, timeProvider, stoppingToken);
        var result = await RoundAsync(first.Token);
        if (stoppingToken.IsCancellationRequested)
        {
            return result;
        }

        var left = SafeTotals();
        if (result == DeliveryResult.Empty || left is { IsEmpty: true })
        {
            LogFirstRoundDone();
        }
        else
        {
            LogFirstRoundIncomplete(result, left?.Batches ?? 0, left?.Completions ?? 0);
        }

        return result;
    }

    /// <summary>One delivery round; never throws but for <paramref name="cancellationToken"/>'s cancellation inside a wait.</summary>
    private async Task<DeliveryResult> RoundAsync(CancellationToken cancellationToken, bool quiet = false)
    {
        if (_options.TestHold == OutboxTestHold.BeforeSend || _heldAfterAck)
        {
            return DeliveryResult.Held;
        }

        try
        {
            await SendBatchesAsync(cancellationToken);
            if (_options.TestHold == OutboxTestHold.AfterAck)
            {
                _heldAfterAck = true;
                LogHeldAfterAck();
                return DeliveryResult.Held;
            }

            var result = await SendCompletionsAsync(cancellationToken);
            _roundFailures = 0;
            return result;
        }
        catch (RpcException e)
        {
            // Logged on the first failure in a row and every tenth: an outage must not flood the log.
            if (!cancellationToken.IsCancellationRequested && !quiet && _roundFailures++ % 10 == 0)
            {
                LogRoundFailed(_roundFailures, e.StatusCode, e.Status.Detail);
            }

            return DeliveryResult.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed;
        }
        catch (AgentStateException e)
        {
            LogStateFailed(e.Message);
            return DeliveryResult.Failed;
        }
    }

    private async Task SendBatchesAsync(CancellationToken cancellationToken)
    {
        var pending = outbox.PendingBatches(BatchesPerRead);
        if (pending.Count == 0)
        {
            return;
        }

        using var stream = await gateway.OpenFindingStreamAsync(_options.StreamTimeout, cancellationToken);
        var acknowledged = new HashSet<long>();
        while (pending.Count > 0)
        {
            foreach (var batch in pending)
            {
                var payload = outbox.Load(batch);
                if (payload is null)
                {
                    continue;
                }

                using var ackWait = new TimeoutScope(_options.CallTimeout, timeProvider, cancellationToken);
                var ack = await stream.SendAsync(payload, ackWait.Token);
                if (ack.BatchId != batch.BatchId)
                {
                    throw new RpcException(new Status(StatusCode.Internal, $"the acknowledgement names batch {ack.BatchId}, not {batch.BatchId}"));
                }

                if (_options.TestHold == OutboxTestHold.AfterAck)
                {
                    acknowledged.Add(batch.Id);
                    LogAcknowledged(batch.BatchId, batch.CommandId, ack.NewCount, ack.DuplicateCount);
                }
                else if (ack.Accepted)
                {
                    outbox.Acknowledged(batch);
                    LogAcknowledged(batch.BatchId, batch.CommandId, ack.NewCount, ack.DuplicateCount);
                }
                else
                {
                    outbox.Refused(batch);
                    LogBatchRefused(batch.BatchId, batch.CommandId, batch.FencingToken, batch.FindingCount, ack.RefusedReason);
                }
            }

            pending = [.. outbox.PendingBatches(BatchesPerRead + acknowledged.Count).Where(batch => !acknowledged.Contains(batch.Id))];
        }

        await stream.CompleteAsync(cancellationToken);
    }

    private async Task<DeliveryResult> SendCompletionsAsync(CancellationToken cancellationToken)
    {
        var waiting = false;
        foreach (var completion in outbox.PendingCompletions())
        {
            if (outbox.HasBatches(completion.CommandId, completion.FencingToken))
            {
                waiting = true;
                continue;
            }

            try
            {
                var answer = await gateway.CompleteCommandAsync(ToRequest(completion), _options.CallTimeout, cancellationToken);
                outbox.Delivered(completion);
                LogCompleted(completion.CommandId, completion.FencingToken, completion.Outcome, completion.FindingCount, answer.Status);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && e.Status.Detail.Contains("stale fencing token", StringComparison.Ordinal))
            {
                outbox.Delivered(completion);
                LogCompletionDropped(completion.CommandId, completion.FencingToken, completion.Outcome, e.Status.Detail);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                // "N of the run's M findings are committed": kept, and asked again in a later round.
                outbox.NotYet(completion);
                if (completion.DeliveryAttempts % 10 == 0)
                {
                    LogCompletionWaiting(completion.CommandId, completion.FencingToken, e.Status.Detail);
                }

                waiting = true;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.PermissionDenied)
            {
                // Will never be taken: say why and let it go.
                outbox.Delivered(completion);
                LogCompletionDropped(completion.CommandId, completion.FencingToken, completion.Outcome, $"{e.StatusCode}: {e.Status.Detail}");
            }
        }

        return waiting ? DeliveryResult.Waiting : outbox.Totals().IsEmpty ? DeliveryResult.Empty : DeliveryResult.Waiting;
    }

    private static CompleteCommandRequest ToRequest(OutboxCompletion completion) => new()
    {
        CommandId = completion.CommandId,
        FencingToken = completion.FencingToken,
        Outcome = completion.Outcome switch
        {
            CompletionOutcome.Succeeded => CommandOutcome.Succeeded,
            CompletionOutcome.Canceled => CommandOutcome.Canceled,
            _ => CommandOutcome.Failed,
        },
        Retryable = completion.Retryable,
        ExitCode = completion.ExitCode,
        Summary = completion.Summary,
        Error = completion.Error,
        LogTail = completion.LogTail,
        FindingCount = completion.FindingCount,
        ComponentCount = completion.ComponentCount,
        DurationMs = completion.DurationMs,
        Truncated = completion.Truncated,
    };

    private OutboxTotals? SafeTotals()
    {
        try
        {
            return outbox.Totals();
        }
        catch (AgentStateException e)
        {
            LogStateFailed(e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TEST HOOK: outbox delivery is held ({Hold}); unset SecPlatform:Agent:Outbox:TestHold outside tests")]
    private partial void LogTestHold(OutboxTestHold hold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TEST HOOK: batches were sent and acknowledged but stay in the outbox; no completion is sent")]
    private partial void LogHeldAfterAck();

    [LoggerMessage(Level = LogLevel.Information, Message = "The outbox holds {BatchCount} batches ({FindingCount} findings) and {CompletionCount} completions from before this start: delivering them under their original fencing tokens before acquiring the lease")]
    private partial void LogFirstRound(int batchCount, long findingCount, int completionCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox delivered what it held at start")]
    private partial void LogFirstRoundDone();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The first outbox delivery ended {Result} with {BatchCount} batches and {CompletionCount} completions left; acquiring the lease anyway, delivery goes on")]
    private partial void LogFirstRoundIncomplete(DeliveryResult result, int batchCount, int completionCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Findings batch {BatchId} of command {CommandId} acknowledged: {NewCount} new, {DuplicateCount} already delivered")]
    private partial void LogAcknowledged(string batchId, string commandId, int newCount, int duplicateCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Findings batch {BatchId} of command {CommandId} (token {FencingToken}, {FindingCount} findings) refused by the control plane and dropped: {Reason}")]
    private partial void LogBatchRefused(string batchId, string commandId, long fencingToken, int findingCount, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} (token {FencingToken}) completion delivered: {Outcome}, {FindingCount} findings; the command is now {Status}")]
    private partial void LogCompleted(string commandId, long fencingToken, CompletionOutcome outcome, long findingCount, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} (token {FencingToken}) completion ({Outcome}) refused by the control plane and dropped: {Reason}")]
    private partial void LogCompletionDropped(string commandId, long fencingToken, CompletionOutcome outcome, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} (token {FencingToken}) completion kept for later: {Detail}")]
    private partial void LogCompletionWaiting(string commandId, long fencingToken, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox delivery failed ({Failures} in a row): {StatusCode} {Detail}; retrying after a back-off")]
    private partial void LogRoundFailed(int failures, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox could not be read or written: {Reason}")]
    private partial void LogStateFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: delivering {BatchCount} batches ({FindingCount} findings) and {CompletionCount} completions for up to {FlushTimeout}")]
    private partial void LogFlushing(int batchCount, long findingCount, int completionCount, TimeSpan flushTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping with undelivered work ({Result}): {BatchCount} batches ({FindingCount} findings) and {CompletionCount} completions stay in the outbox for the next start")]
    private partial void LogFlushIncomplete(DeliveryResult result, int batchCount, long findingCount, int completionCount);
}
