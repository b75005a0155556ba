using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Lease;

/// <summary>When to renew next: what the server asked for, spread by +/-10 % so agents do not renew in step.</summary>
public static class RenewSchedule
{
    public const double JitterFraction = 0.10;

    /// <summary>The renew interval the lease parameters give: the interval, else duration / 4, else <paramref name="fallback"/>.
    /// Short test leases (2 s) have a whole-second interval of 0, hence the duration / 4 step.</summary>
    public static TimeSpan RenewInterval(LeaseParameters? lease, TimeSpan fallback) => lease switch
    {
        { RenewIntervalSeconds: > 0 } => TimeSpan.FromSeconds(lease.RenewIntervalSeconds),
        { LeaseDurationSeconds: > 0 } => TimeSpan.FromSeconds(lease.LeaseDurationSeconds / 4.0),
        _ => fallback,
    };

    /// <summary>The delay before the next renew after <paramref name="response"/>, before jitter.</summary>
    public static TimeSpan NextRenew(RenewLeaseResponse response, TimeSpan renewInterval) =>
        response.NextRenewSeconds > 0 ? TimeSpan.FromSeconds(response.NextRenewSeconds) : renewInterval;

    public static TimeSpan WithJitter(TimeSpan delay, Random random) =>
        delay * (1 + JitterFraction * (2 * random.NextDouble() - 1));
}
