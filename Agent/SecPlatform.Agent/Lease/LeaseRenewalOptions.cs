namespace SecPlatform.Agent.Lease;

/// <summary>Timing of the lease loop that is the agent's choice (the renew interval is the server's).
/// Bound from configuration section <see cref="Section"/>, e.g. env <c>SecPlatform__Agent__Lease__CallTimeout=00:00:05</c>.</summary>
public sealed class LeaseRenewalOptions
{
    public const string Section = "SecPlatform:Agent:Lease";

    /// <summary>Deadline of one renew call; shortened to the renew interval when that is shorter.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of the release on shutdown: short, the service manager is waiting.</summary>
    public TimeSpan ReleaseTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Renew interval used before the server has said one (it normally did at registration).</summary>
    public TimeSpan DefaultRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First back-off ceiling after a failed renew; it doubles up to the renew interval.</summary>
    public TimeSpan InitialBackoff { get; set; } = RetryBackoff.DefaultInitialDelay;

    /// <summary>No retry comes sooner than this, whatever the jitter draws.</summary>
    public TimeSpan MinimumBackoff { get; set; } = RetryBackoff.DefaultMinimumDelay;
}
