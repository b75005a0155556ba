using System.ComponentModel.DataAnnotations;

namespace SecPlatform.ControlPlane.Core.Options;

/// <summary>Agent leases (section <c>Leases</c>).</summary>
public sealed class LeaseOptions
{
    public const string Section = "Leases";

    /// <summary>How long a lease lasts without renewal. Agents renew every duration / 4.</summary>
    [Range(1, 3600)]
    public int DurationSeconds { get; set; } = 40;

    /// <summary>How often the reaper looks for expired leases; 0 means duration / 8, between 0.5 and 5 seconds.</summary>
    [Range(0, 600)]
    public double ReaperIntervalSeconds { get; set; }

    /// <summary>Whether this replica runs the reaper loop (safe on every replica; tests turn it off and drive passes by hand).</summary>
    public bool ReaperEnabled { get; set; } = true;

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);

    public TimeSpan RenewInterval => TimeSpan.FromSeconds(Math.Max(1, DurationSeconds / 4));

    public TimeSpan ReaperInterval => ReaperIntervalSeconds > 0
        ? TimeSpan.FromSeconds(ReaperIntervalSeconds)
        : TimeSpan.FromSeconds(Math.Clamp(DurationSeconds / 8.0, 0.5, 5));

    /// <summary>
    /// A reaper gap longer than this means no replica was serving renewals (an outage): every lease then
    /// gets one full duration of grace. Three reaper intervals, and never less than one renew interval.
    /// </summary>
    public TimeSpan OutageGap => TimeSpan.FromTicks(Math.Max(ReaperInterval.Ticks * 3, RenewInterval.Ticks));
}
