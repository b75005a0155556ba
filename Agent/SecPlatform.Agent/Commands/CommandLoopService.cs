using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Outbox;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Commands;

/// <summary>
/// Takes work: once the lease is held, long-polls PullCommands for as many commands as there are free slots
/// (<see cref="CommandLoopOptions.Concurrency"/>) and runs each with <see cref="CommandRunner"/>. No pull while the
/// lease is not held or self-fenced, the control plane asks for a drain, the outbox is full, or the agent stops; a
/// pull already waiting is cut short when one of these starts. Stop requests (in pull and renew answers and progress
/// answers), self-fencing and a lost lease stop running scans. Independent of the lease loop: a slow pull never delays
/// a renewal. On a graceful stop it takes no new work, lets running scans finish for up to
/// <see cref="CommandLoopOptions.DrainTimeout"/>, then cancels the rest (recorded as retryable failures). It is
/// registered after the lease loop and the outbox sender, so it stops first: the sender then flushes what the drained
/// scans recorded, and the lease is released last.
/// </summary>
public sealed partial class CommandLoopService : BackgroundService
{
    private readonly IAgentGateway _gateway;
    private readonly CommandRunner _runner;
    private readonly RunningCommands _running;
    private readonly LeaseMonitor _monitor;
    private readonly AgentOutbox _outbox;
    private readonly CommandLoopOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CommandLoopService> _logger;
    private readonly RetryBackoff _backoff;
    private readonly Lock _pullGate = new();
    private CancellationTokenSource? _pull;

    public CommandLoopService(
        IAgentGateway gateway,
        CommandRunner runner,
        RunningCommands running,
        LeaseMonitor monitor,
        AgentOutbox outbox,
        IOptions<CommandLoopOptions> options,
        TimeProvider timeProvider,
        Random random,
        ILogger<CommandLoopService> logger)
    {
        _gateway = gateway;
        _runner = runner;
        _running = running;
        _monitor = monitor;
        _outbox = outbox;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _backoff = new RetryBackoff(_options.InitialBackoff, _options.MinimumBackoff, random);
        monitor.Fenced += OnFenced;
        monitor.StopRequested += OnStopRequested;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _monitor.WaitUntilHeldAsync(stoppingToken);
            LogTakingWork(_options.Concurrency);
            await PullUntilStoppedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await DrainAsync();
    }

    private async Task PullUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        string? blockedBefore = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = _options.Concurrency - _running.Count;
            var blocked = WhyNoPull() ?? (free <= 0 ? "no free slot" : null);
            if (blocked is not null)
            {
                // Wake-ups taken, then a second look, so a change in between is not missed.
                Task[] wakes = [_monitor.Changed.Next(), _running.Finished.Next(), _outbox.Freed.Next()];
                free = _options.Concurrency - _running.Count;
                blocked = WhyNoPull() ?? (free <= 0 ? "no free slot" : null);
                if (blocked is not null)
                {
                    if (blocked != blockedBefore && blocked != "no free slot")
                    {
                        LogNoWork(blocked);
                    }

                    blockedBefore = blocked;
                    await AsyncPulse.WaitAsync(wakes, _options.IdleRecheck, _timeProvider, stoppingToken);
                    continue;
                }
            }

            if (blockedBefore is not null && blockedBefore != "no free slot")
            {
                LogWorkAgain();
            }

            blockedBefore = null;
            PullCommandsResponse response;
            using (var pull = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                lock (_pullGate)
                {
                    _pull = pull;
                }

                try
                {
                    response = await _gateway.PullCommandsAsync(
                        new PullCommandsRequest { MaxCommands = free, WaitSeconds = _options.PullWaitSeconds },
                        TimeSpan.FromSeconds(_options.PullWaitSeconds) + _options.CallTimeout, pull.Token);
                }
                catch (Exception e) when (e is RpcException or OperationCanceledException && pull.IsCancellationRequested)
                {
                    // Cut short: the agent stops, or may take no work now; the top of the loop says which.
                    continue;
                }
                catch (RpcException e)
                {
                    var renewed = _monitor.Changed.Next();
                    failures++;
                    var delay = _backoff.NextDelay(failures, _options.MaxBackoff);
                    if (failures == 1 || failures % 10 == 0)
                    {
                        LogPullFailed(failures, e.StatusCode, e.Status.Detail, delay);
                    }

                    // A successful renewal shows the control plane is back: no need to sit out the rest of the back-off.
                    await AsyncPulse.WaitAsync(renewed, delay, _timeProvider, stoppingToken);
                    continue;
                }
                finally
                {
                    lock (_pullGate)
                    {
                        _pull = null;
                    }
                }
            }

            failures = 0;
            if (response.StopCommandIds.Count > 0)
            {
                OnStopRequested(response.StopCommandIds);
            }

            foreach (var command in response.Commands)
            {
                Launch(command, stoppingToken);
            }
        }
    }

    private string? WhyNoPull() => _monitor.WhyNoWork() ?? _outbox.FullReason();

    private void Launch(AssignedCommand command, CancellationToken stoppingToken)
    {
        var running = _running.Add(command, _timeProvider.GetTimestamp());
        if (running is null)
        {
            LogDuplicateClaim(command.Id, command.FencingToken);
            return;
        }

        LogClaimed(command.Id, command.Scanner, command.Attempt, command.FencingToken, command.TimeoutSeconds);
        // Claimed while the agent began to stop or lost its lease: report it back rather than start it.
        if (stoppingToken.IsCancellationRequested)
        {
            running.Stop(StopReason.Shutdown);
        }
        else if (_monitor.IsFenced)
        {
            running.Stop(StopReason.SelfFenced);
        }

        running.Execution = Task.Run(async () =>
        {
            try
            {
                await _runner.RunAsync(running);
            }
            catch (Exception e)
            {
                LogRunFailed(e, command.Id);
            }
            finally
            {
                _running.Remove(running);
            }
        }, CancellationToken.None);
    }

    private async Task DrainAsync()
    {
        var executions = _running.Executions();
        if (executions.Count == 0)
        {
            return;
        }

        LogDraining(executions.Count, _options.DrainTimeout);
        var all = Task.WhenAll(executions);
        if (await Task.WhenAny(all, Task.Delay(_options.DrainTimeout, _timeProvider)) != all)
        {
            var stopped = _running.StopAll(StopReason.Shutdown);
            LogDrainTimedOut(stopped);
            await all;
        }

        LogDrained();
    }

    private void OnFenced(LeaseLoss loss)
    {
        CutPull();
        var reason = loss switch
        {
            LeaseLoss.Superseded => StopReason.Superseded,
            LeaseLoss.Revoked => StopReason.Revoked,
            _ => StopReason.SelfFenced,
        };
        var stopped = _running.StopAll(reason);
        if (stopped > 0)
        {
            LogStoppedAll(stopped, CompletionBuilder.Describe(reason));
        }
    }

    private void OnStopRequested(IReadOnlyList<string> commandIds)
    {
        foreach (var id in _running.Stop(commandIds, StopReason.StopRequested))
        {
            LogStopRequested(id);
        }
    }

    /// <summary>Cuts a waiting pull short (its claims would arrive when no work may be taken).</summary>
    private void CutPull()
    {
        lock (_pullGate)
        {
            try
            {
                _pull?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public override void Dispose()
    {
        _monitor.Fenced -= OnFenced;
        _monitor.StopRequested -= OnStopRequested;
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking work: up to {Concurrency} commands at once")]
    private partial void LogTakingWork(int concurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking no new work: {Reason}")]
    private partial void LogNoWork(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking work again")]
    private partial void LogWorkAgain();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulling commands failed ({Failures} in a row): {StatusCode} {Detail}; retrying in {Delay}")]
    private partial void LogPullFailed(int failures, StatusCode statusCode, string detail, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} claimed: {Scanner}, attempt {Attempt}, token {FencingToken}, timeout {TimeoutSeconds} s")]
    private partial void LogClaimed(string commandId, string scanner, int attempt, long fencingToken, int timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} (token {FencingToken}) claimed again while it still runs here; ignored")]
    private partial void LogDuplicateClaim(string commandId, long fencingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {CommandId} failed unexpectedly")]
    private partial void LogRunFailed(Exception exception, string commandId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId}: the control plane asks to stop it; stopping its scan")]
    private partial void LogStopRequested(string commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped {Count} running scans: {Reason}")]
    private partial void LogStoppedAll(int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: taking no new work; waiting up to {DrainTimeout} for {Count} running scans")]
    private partial void LogDraining(int count, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain timeout passed: canceled {Count} scans (recorded as retryable failures)")]
    private partial void LogDrainTimedOut(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every running scan has ended and is recorded in the outbox")]
    private partial void LogDrained();
}
