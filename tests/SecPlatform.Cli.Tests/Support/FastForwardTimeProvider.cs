using System.Diagnostics;

namespace SecPlatform.Cli.Tests.Support;

/// <summary>
/// A clock that starts at the real time and jumps over every wait: a timer fires at once and moves
/// the clock forward by its due time. Poll loops run without sleeping and timeouts pass at once,
/// while the clock never falls behind the real one (so gRPC deadlines computed from it still hold).
/// </summary>
public sealed class FastForwardTimeProvider : TimeProvider
{
    private long _skippedTicks;

    /// <summary>How far the clock has jumped ahead of the real time.</summary>
    public TimeSpan Skipped => TimeSpan.FromTicks(Interlocked.Read(ref _skippedTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Skipped;

    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Interlocked.Read(ref _skippedTicks) * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        if (dueTime > TimeSpan.Zero)
        {
            Interlocked.Add(ref _skippedTicks, dueTime.Ticks);
        }

        return System.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}
