using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Ends leases that were not renewed in time, marking their agents offline. Safe on every replica at once
/// (each step is one atomic store operation). After an outage of the whole control plane (a gap since the
/// last run by any replica), every lease gets one full duration of grace first, as the Kubernetes node
/// controller does: an outage must not reassign every agent's work.
/// </summary>
public sealed class LeaseReaper(
    IControlPlaneStore store,
    TimeProvider time,
    ControlPlaneMetrics metrics,
    IOptions<LeaseOptions> options,
    ILogger<LeaseReaper> logger) : BackgroundService
{
    private readonly LeaseOptions _options = options.Value;

    /// <summary>One pass; returns the agents whose leases it ended.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await store.RecordReaperRunAsync(now, _options.OutageGap, _options.Duration, cancellationToken);
        if (state.GraceUntil > now)
        {
            return [];
        }

        var expired = await store.ExpireLeasesAsync(now, cancellationToken);
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
