using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Lease;

/// <summary>
/// Holds the agent's lease for as long as the process runs: acquires it as this process's
/// <see cref="HolderIdentity"/>, renews when the server says (with jitter), backs off while the control
/// plane is unreachable (the lease is the server's business, so it just keeps trying), stops the agent
/// when it was superseded or revoked, and releases the lease on a graceful stop.
/// Its first acquire waits for the outbox's first delivery attempt (<see cref="OutboxStartupGate"/>): a new holder makes
/// the control plane release this agent's earlier claims, and with them the fencing tokens the outbox still holds work
/// under. Each answer goes to <see cref="LeaseMonitor"/> (self-fencing, drain, stop requests). Registered first among the
/// agent's services, it is stopped last: the lease is held while scans drain and the outbox flushes, then released.
/// </summary>
public sealed partial class LeaseRenewalService(
    IAgentGateway gateway,
    AgentStateStore store,
    AgentIdentity identity,
    HolderIdentity holder,
    ScannerDetector detector,
    MachineFacts machine,
    AgentRunOutcome outcome,
    LeaseMonitor monitor,
    OutboxStartupGate startupGate,
    IOptions<LeaseRenewalOptions> options,
    TimeProvider timeProvider,
    Random random,
    ILogger<LeaseRenewalService> logger) : BackgroundService
{
    private readonly LeaseRenewalOptions _options = options.Value;
    private readonly RetryBackoff _backoff = new(options.Value.InitialBackoff, options.Value.MinimumBackoff, random);
    private bool _acquireSent;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var capabilities = await detector.DetectAsync(stoppingToken);
            LogCapabilities(capabilities.Count, string.Join(", ", capabilities.Select(c => $"{c.Scanner} {c.Version}")));
            if (!startupGate.IsOpen)
            {
                LogWaitingForOutbox();
                await startupGate.WaitAsync(stoppingToken);
            }

            var exitCode = await RenewUntilStoppedAsync(capabilities, stoppingToken);
            outcome.Stop(exitCode);
            return;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogUnexpectedFailure(e);
            outcome.Stop(AgentExitCode.Error);
            return;
        }

        await ReleaseAsync();
    }

    private async Task<AgentExitCode> RenewUntilStoppedAsync(IReadOnlyList<ScannerCapability> capabilities, CancellationToken stoppingToken)
    {
        // Until the first answer, the lease parameters given at registration set the pace.
        var renewInterval = RenewSchedule.RenewInterval(
            new LeaseParameters { LeaseDurationSeconds = identity.LeaseDurationSeconds, RenewIntervalSeconds = identity.RenewIntervalSeconds },
            _options.DefaultRenewInterval);
        var acquire = true;
        var failures = 0;
        bool? drain = null;
        bool? cordoned = null;
        long? transitions = null;

        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            var request = new RenewLeaseRequest { HolderIdentity = holder.Value, Acquire = acquire, Version = machine.AgentVersion };
            request.Capabilities.Add(capabilities.Select(c => new Capability { Scanner = c.Scanner, Version = c.Version }));
            var sentAt = timeProvider.GetUtcNow();
            var sentTimestamp = timeProvider.GetTimestamp();
            _acquireSent |= acquire;

            RenewLeaseResponse response;
            try
            {
                response = await gateway.RenewLeaseAsync(request, CallTimeout(renewInterval), stoppingToken);
            }
            catch (RpcException) when (stoppingToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(stoppingToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                LogSuperseded(identity.AgentId, holder.Value, e.Status.Detail);
                monitor.Lost(LeaseLoss.Superseded);
                return AgentExitCode.Superseded;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                LogKeyRefused(identity.AgentId, e.Status.Detail);
                monitor.Lost(LeaseLoss.Revoked);
                return AgentExitCode.Revoked;
            }
            catch (RpcException e)
            {
                failures++;
                var delay = _backoff.NextDelay(failures, renewInterval);
                if (failures == 1 || failures % 10 == 0)
                {
                    LogRenewFailed(failures, e.StatusCode, e.Status.Detail, delay);
                }

                await Task.Delay(delay, timeProvider, stoppingToken);
                continue;
            }

            if (response.Revoked)
            {
                LogRevoked(identity.AgentId);
                monitor.Lost(LeaseLoss.Revoked);
                return AgentExitCode.Revoked;
            }

            if (acquire)
            {
                LogAcquired(holder.Value, response.LeaseTransitions, response.Lease?.LeaseDurationSeconds ?? identity.LeaseDurationSeconds);
                RecordCapabilities(capabilities);
            }
            else if (failures > 0)
            {
                LogRecovered(failures);
            }
            else if (transitions is { } previous && previous != response.LeaseTransitions)
            {
                LogTransitionsChanged(previous, response.LeaseTransitions);
            }

            acquire = false;
            failures = 0;
            transitions = response.LeaseTransitions;
            renewInterval = RenewSchedule.RenewInterval(response.Lease, renewInterval);
            if (response.Drain != (drain ?? false))
            {
                LogDrainChanged(response.Drain);
            }

            if (response.Cordoned != (cordoned ?? false))
            {
                LogCordonChanged(response.Cordoned);
            }

            drain = response.Drain;
            cordoned = response.Cordoned;
            RecordLease(response, sentAt, renewInterval);
            var duration = TimeSpan.FromSeconds(response.Lease?.LeaseDurationSeconds is > 0 and var seconds ? seconds : identity.LeaseDurationSeconds);
            monitor.Renewed(sentTimestamp, duration, response.Drain, response.StopCommandIds);

            await Task.Delay(RenewSchedule.WithJitter(RenewSchedule.NextRenew(response, renewInterval), random), timeProvider, stoppingToken);
        }
    }

    private TimeSpan CallTimeout(TimeSpan renewInterval)
    {
        var floor = TimeSpan.FromSeconds(1) < _options.CallTimeout ? TimeSpan.FromSeconds(1) : _options.CallTimeout;
        return renewInterval < floor ? floor : renewInterval > _options.CallTimeout ? _options.CallTimeout : renewInterval;
    }

    private void RecordLease(RenewLeaseResponse response, DateTimeOffset sentAt, TimeSpan renewInterval)
    {
        var lease = new LeaseState(
            HolderIdentity: holder.Value,
            LastRenewSentAt: sentAt,
            LastRenewAt: timeProvider.GetUtcNow(),
            ServerRenewTime: response.RenewTime?.ToDateTimeOffset(),
            LeaseDurationSeconds: response.Lease?.LeaseDurationSeconds ?? identity.LeaseDurationSeconds,
            RenewIntervalSeconds: (int)Math.Round(renewInterval.TotalSeconds),
            Transitions: response.LeaseTransitions,
            Drain: response.Drain,
            Cordoned: response.Cordoned);
        try
        {
            store.SaveLease(lease);
        }
        catch (AgentStateException e)
        {
            // The local record is for operators; failing to write it must not cost the lease.
            LogStateWriteFailed(e.Message);
        }
    }

    private void RecordCapabilities(IReadOnlyList<ScannerCapability> capabilities)
    {
        try
        {
            store.UpdateCapabilities(capabilities);
        }
        catch (AgentStateException e)
        {
            LogStateWriteFailed(e.Message);
        }
    }

    private async Task ReleaseAsync()
    {
        if (!_acquireSent)
        {
            return;
        }

        try
        {
            // The stopping token has fired already; the release has its own short deadline instead.
            await gateway.ReleaseLeaseAsync(new ReleaseLeaseRequest { HolderIdentity = holder.Value }, _options.ReleaseTimeout, CancellationToken.None);
            LogReleased(holder.Value);
        }
        catch (RpcException e)
        {
            // The lease then expires on the server's clock; nothing else to do on the way out.
            LogReleaseFailed(e.StatusCode, e.Status.Detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Found {CapabilityCount} scanners: {Capabilities}")]
    private partial void LogCapabilities(int capabilityCount, string capabilities);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the outbox's first delivery attempt before acquiring the lease")]
    private partial void LogWaitingForOutbox();

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease acquired as {HolderIdentity} (transitions {LeaseTransitions}, duration {LeaseDurationSeconds} s)")]
    private partial void LogAcquired(string holderIdentity, long leaseTransitions, int leaseDurationSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease renewed again after {Failures} failed attempts")]
    private partial void LogRecovered(int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease transitions went from {PreviousTransitions} to {LeaseTransitions} while this process held the lease")]
    private partial void LogTransitionsChanged(long previousTransitions, long leaseTransitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal failed ({Failures} in a row): {StatusCode} {Detail}; retrying in {Delay}")]
    private partial void LogRenewFailed(int failures, StatusCode statusCode, string detail, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane asks this agent to drain: {Drain}")]
    private partial void LogDrainChanged(bool drain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane marked this agent cordoned: {Cordoned}")]
    private partial void LogCordonChanged(bool cordoned);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Another process holds this agent's lease: agent {AgentId} runs twice (e.g. on a cloned machine) and holder {HolderIdentity} was superseded ({Detail}). This process stops; give each machine its own identity with 'secplat-agent register --force'")]
    private partial void LogSuperseded(string agentId, string holderIdentity, string detail);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The control plane refused the key of agent {AgentId} ({Detail}): it was revoked, deregistered or its key rotated away. This process stops; register again with a new bootstrap token")]
    private partial void LogKeyRefused(string agentId, string detail);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The control plane revoked agent {AgentId}. This process stops; register again with a new bootstrap token")]
    private partial void LogRevoked(string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease released by {HolderIdentity}")]
    private partial void LogReleased(string holderIdentity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the lease ({StatusCode} {Detail}); it expires on the server's clock")]
    private partial void LogReleaseFailed(StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the lease state locally: {Reason}")]
    private partial void LogStateWriteFailed(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The lease loop failed unexpectedly")]
    private partial void LogUnexpectedFailure(Exception exception);
}
