using System.Diagnostics;

namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>Monotonic time in seconds since the start of the run, and pacing helpers for open-loop load.</summary>
internal static class Clock
{
    private static readonly long Origin = Stopwatch.GetTimestamp();

    public static double Now => (Stopwatch.GetTimestamp() - Origin) / (double)Stopwatch.Frequency;

    /// <summary>Waits until <paramref name="at"/> (seconds on this clock); returns at once when it has passed.</summary>
    public static async Task UntilAsync(double at, CancellationToken cancellationToken)
    {
        var wait = at - Now;
        if (wait > 0.0015)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait - 0.0005), cancellationToken);
        }
    }
}
