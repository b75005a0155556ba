using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Commands;

/// <summary>
/// One claimed command, start to outbox: StartCommand (a stale claim is dropped before anything runs), progress at the
/// start and every <see cref="CommandLoopOptions.ProgressInterval"/> (an answer may ask to stop), the scan through
/// <see cref="ScanEngine"/> with the command's timeout and a token that stop requests, self-fencing, the deadline and
/// shutdown cancel, then its findings and completion recorded in the outbox in one transaction. Nothing here waits for
/// the control plane to take the results: the outbox sender delivers them.
/// </summary>
public sealed partial class CommandRunner(
    IAgentGateway gateway,
    ScanEngine engine,
    AgentOutbox outbox,
    IOptions<CommandLoopOptions> options,
    TimeProvider timeProvider,
    Random random,
    ILogger<CommandRunner> logger)
{
    /// <summary>Attempts to write a run to the outbox before its results are given up (the local disk keeps failing).</summary>
    public const int MaxRecordAttempts = 6;

    private readonly CommandLoopOptions _options = options.Value;
    private readonly RetryBackoff _backoff = new(options.Value.InitialBackoff, options.Value.MinimumBackoff, random);

    public async Task RunAsync(RunningCommand running)
    {
        var command = running.Command;
        using var deadline = command.TimeoutSeconds > 0
            ? timeProvider.CreateTimer(_ => running.Stop(StopReason.Deadline), null,
                Max(TimeSpan.FromSeconds(command.TimeoutSeconds) + _options.DeadlineGrace - timeProvider.GetElapsedTime(running.ReceivedAt), TimeSpan.Zero),
                Timeout.InfiniteTimeSpan)
            : null;

        if (running.Reason is null && !await StartAsync(running))
        {
            return;
        }

        if (running.Reason is { } early)
        {
            LogNotRun(command.Id, command.FencingToken, CompletionBuilder.Describe(early));
            await RecordAsync(running, [], CompletionBuilder.NotRun(command, early));
            return;
        }

        ScanRun run;
        using (var progressStop = new CancellationTokenSource())
        {
            var progress = ReportProgressAsync(running, progressStop.Token);
            try
            {
                var elapsed = timeProvider.GetElapsedTime(running.ReceivedAt);
                TimeSpan? timeout = command.TimeoutSeconds > 0
                    ? Max(TimeSpan.FromSeconds(command.TimeoutSeconds) - elapsed, TimeSpan.FromSeconds(1))
                    : null;
                var parameters = command.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                run = await engine.RunAsync(new ScanRequest(command.Id, command.Scanner, parameters, timeout), running.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The engine answers every request with a run; this is an agent bug, reported as a retryable failure.
                LogEngineFailed(e, command.Id);
                run = new ScanRun(command.Id, command.Scanner, ScanOutcome.Failed, timeProvider.GetUtcNow(), TimeSpan.Zero, null, false,
                    ParseStatus.NotParsed, [], "", $"agent error: {e.GetType().Name}", true, [], null);
            }
            finally
            {
                await progressStop.CancelAsync();
                await progress;
            }
        }

        await RecordAsync(running, run.Findings, CompletionBuilder.FromRun(command, run, running.Reason), run.Components);
    }

    /// <summary>Marks the command running; false when the control plane no longer assigns this attempt here.</summary>
    private async Task<bool> StartAsync(RunningCommand running)
    {
        var command = running.Command;
        try
        {
            var answer = await gateway.StartCommandAsync(new StartCommandRequest { CommandId = command.Id, FencingToken = command.FencingToken },
                _options.CallTimeout, running.Token);
            if (answer.StopRequested)
            {
                running.Stop(StopReason.StopRequested);
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
        {
            LogClaimGone(command.Id, command.FencingToken, e.Status.Detail);
            return false;
        }
        catch (RpcException) when (running.Token.IsCancellationRequested)
        {
            // Stopped meanwhile; the reason is recorded below.
        }
        catch (RpcException e)
        {
            // The attempt is still ours until the control plane says otherwise; its completion is delivered later.
            LogStartUnconfirmed(command.Id, e.StatusCode, e.Status.Detail);
        }

        return true;
    }

    private async Task ReportProgressAsync(RunningCommand running, CancellationToken stop)
    {
        var command = running.Command;
        var started = timeProvider.GetTimestamp();
        try
        {
            for (var first = true; ; first = false)
            {
                if (!first)
                {
                    await Task.Delay(_options.ProgressInterval, timeProvider, stop);
                }

                var message = first
                    ? $"{command.Scanner} started"
                    : $"{command.Scanner} running for {(int)timeProvider.GetElapsedTime(started).TotalSeconds} s";
                try
                {
                    var answer = await gateway.ReportProgressAsync(
                        new ReportProgressRequest { CommandId = command.Id, FencingToken = command.FencingToken, Percent = 0, Message = message },
                        _options.CallTimeout, stop);
                    if (answer.StopRequested && running.Stop(StopReason.StopRequested))
                    {
                        LogStopping(command.Id, CompletionBuilder.Describe(StopReason.StopRequested));
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound && !stop.IsCancellationRequested)
                {
                    if (running.Stop(StopReason.ClaimLost))
                    {
                        LogStopping(command.Id, $"{CompletionBuilder.Describe(StopReason.ClaimLost)} ({e.Status.Detail})");
                    }

                    return;
                }
                catch (RpcException) when (!stop.IsCancellationRequested)
                {
                    // Unreachable: the next report may get through; a lost lease is self-fencing's business.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RpcException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task RecordAsync(RunningCommand running, IReadOnlyList<NormalizedFinding> findings, OutboxCompletion completion,
        IReadOnlyList<ScannedComponent>? components = null)
    {
        var command = running.Command;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var recorded = outbox.Record(command.Id, command.FencingToken, findings, completion, components);
                LogRecorded(command.Id, command.FencingToken, completion.Outcome, completion.Retryable, recorded.Findings, recorded.Batches,
                    completion.Error.Length == 0 ? "" : ": " + completion.Error);
                return;
            }
            catch (AgentStateException e) when (attempt < MaxRecordAttempts)
            {
                var delay = _backoff.NextDelay(attempt, _options.MaxBackoff);
                LogRecordFailed(command.Id, e.Message, delay);
                // Not cancelable: a stopping agent must not lose a finished run to its own shutdown.
                await Task.Delay(delay, timeProvider);
            }
            catch (AgentStateException e)
            {
                LogRecordGivenUp(command.Id, findings.Count, e.Message);
                return;
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} (token {FencingToken}) dropped before it ran: {Detail}")]
    private partial void LogClaimGone(string commandId, long fencingToken, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: could not mark it started ({StatusCode} {Detail}); running it anyway")]
    private partial void LogStartUnconfirmed(string commandId, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} (token {FencingToken}) not run: {Reason}")]
    private partial void LogNotRun(string commandId, long fencingToken, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: stopping its scan: {Reason}")]
    private partial void LogStopping(string commandId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {CommandId}: the scanning engine failed unexpectedly")]
    private partial void LogEngineFailed(Exception exception, string commandId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} (token {FencingToken}) recorded in the outbox: {Outcome} (retryable {Retryable}), {FindingCount} findings in {BatchCount} batches{Error}")]
    private partial void LogRecorded(string commandId, long fencingToken, CompletionOutcome outcome, bool retryable, int findingCount, int batchCount, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {CommandId}: could not record its results in the outbox ({Reason}); trying again in {Delay}")]
    private partial void LogRecordFailed(string commandId, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Command {CommandId}: its results ({FindingCount} findings) could not be recorded in the outbox and are lost ({Reason}); the control plane will retry the command when its claim runs out")]
    private partial void LogRecordGivenUp(string commandId, int findingCount, string reason);
}
