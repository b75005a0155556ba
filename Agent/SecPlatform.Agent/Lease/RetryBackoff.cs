namespace SecPlatform.Agent.Lease;

/// <summary>
/// Exponential back-off with full jitter for calls to an unreachable control plane: the n-th failure in
/// a row waits a random time up to <c>min(cap, initial x 2^(n-1))</c>, so agents cut off together do not
/// come back together. The wait never drops below <see cref="MinimumDelay"/>: never a tight loop.
/// </summary>
public sealed class RetryBackoff(TimeSpan initial, TimeSpan minimum, Random random)
{
    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMinimumDelay = TimeSpan.FromMilliseconds(200);

    public TimeSpan MinimumDelay { get; } = minimum;

    /// <summary>The upper bound of the wait after <paramref name="failures"/> failures in a row (1 = first failure).</summary>
    public TimeSpan Ceiling(int failures, TimeSpan cap)
    {
        cap = cap < MinimumDelay ? MinimumDelay : cap;
        // 2^30 seconds is far past any cap; stop doubling before the arithmetic overflows.
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ceiling = initial * Math.Pow(2, exponent);
        return ceiling > cap ? cap : ceiling;
    }

    /// <summary>How long to wait after <paramref name="failures"/> failures in a row, capped at <paramref name="cap"/>.</summary>
    public TimeSpan NextDelay(int failures, TimeSpan cap)
    {
        var delay = Ceiling(failures, cap) * random.NextDouble();
        return delay < MinimumDelay ? MinimumDelay : delay;
    }
}
