using System.Collections.Concurrent;

namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>
/// Counts completed operations with their time, so the rate is taken over the measuring window only (warm-up and
/// the stop excluded). A worker that runs out of work marks the meter exhausted: the window then ends there.
/// </summary>
internal sealed class RateMeter
{
    private readonly ConcurrentQueue<(double At, int Count)> _events = new();
    private double _exhaustedAt = double.MaxValue;

    public void Add(int count = 1) => _events.Enqueue((Clock.Now, count));

    public void Exhausted()
    {
        var now = Clock.Now;
        double seen;
        do
        {
            seen = Volatile.Read(ref _exhaustedAt);
        }
        while (now < seen && Interlocked.CompareExchange(ref _exhaustedAt, now, seen) != seen);
    }

    public bool WasExhausted => Volatile.Read(ref _exhaustedAt) < double.MaxValue;

    /// <summary>Operations per second in [from, to), cut at exhaustion. Throws when the window left is too short to mean anything.</summary>
    public double RateBetween(double from, double to)
    {
        var end = Math.Min(to, Volatile.Read(ref _exhaustedAt));
        var seconds = end - from;
        if (seconds < 0.5)
        {
            throw new InvalidOperationException($"the work ran out {seconds:0.00} s into the measuring window: seed a larger backlog");
        }

        long count = 0;
        foreach (var (at, n) in _events)
        {
            if (at >= from && at < end)
            {
                count += n;
            }
        }

        return count / seconds;
    }
}
