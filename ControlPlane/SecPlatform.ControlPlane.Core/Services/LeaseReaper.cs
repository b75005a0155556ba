using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Ends leases that were not renewed in time, marking their agents offline, then sweeps the queue
/// (claims whose lease is gone go back to the queue, timeouts fail, unclaimed work expires). Safe on every replica at once
/// (each step is one atomic store operation). After an outage of the whole control plane (a gap since the
/// last run by any replica), every lease gets one full duration of grace first, as the Kubernetes node
/// controller does: an outage must not reassign every agent's work.
/// </summary>
public sealed class LeaseReaper(
    IControlPlaneStore store,
    ICommandQueueStore queue,
    CommandSignal signal,
    TimeProvider time,
    ControlPlaneMetrics metrics,
    IOptions<LeaseOptions> options,
    ILogger<LeaseReaper> logger) : BackgroundService
{
    private readonly LeaseOptions _options = options.Value;

    /// <summary>One pass; returns the agents whose leases it ended.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken)
    {
        // Leases and claims of every tenant: the reaper is one of the few paths in the platform context.
        using var platform = TenantContext.Enter(TenantContext.Platform);
        var now = time.GetUtcNow();
        var state = await store.RecordReaperRunAsync(now, _options.OutageGap, _options.Duration, cancellationToken);
        IReadOnlyList<string> expired = state.GraceUntil > now ? [] : await store.ExpireLeasesAsync(now, cancellationToken);
        await SweepQueueAsync(now, cancellationToken);
        if (expired.Count > 0)
        {
            metrics.LeaseExpiries(expired.Count);
            foreach (var agentId in expired)
            {
                logger.LogInformation("Agent {AgentId}: lease expired, agent offline", agentId);
            }
        }

        return expired;
    }

    private async Task SweepQueueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sweep = await queue.SweepCommandsAsync(now, cancellationToken);
        foreach (var id in sweep.Requeued)
        {
            logger.LogInformation("Command {CommandId}: its agent lost the lease; queued for another attempt", id);
        }

        foreach (var id in sweep.FailedLeaseLost)
        {
            logger.LogWarning("Command {CommandId}: its agent lost the lease and attempts are used up; failed", id);
        }

        foreach (var id in sweep.CanceledLeaseLost)
        {
            logger.LogInformation("Command {CommandId}: canceled (its agent lost the lease after the cancel)", id);
        }

        foreach (var id in sweep.TimedOut)
        {
            logger.LogWarning("Command {CommandId}: timed out; failed, and its agent is told to stop it", id);
        }

        if (sweep.Requeued.Count > 0)
        {
            // The sweep names the commands, not their tenants or conditions: every waiter of this replica looks once (rare).
            signal.WakeAll();
        }

        metrics.QueueDepth(await queue.GetQueueDepthAsync(cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.ReaperEnabled)
        {
            logger.LogInformation("Lease reaper disabled on this replica");
            return;
        }

        logger.LogInformation("Lease reaper running every {ReaperInterval}; lease duration {LeaseDuration}", _options.ReaperInterval, _options.Duration);
        using var timer = new PeriodicTimer(_options.ReaperInterval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store may be briefly unavailable; the next tick tries again.
                logger.LogError(e, "Lease reaper pass failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
