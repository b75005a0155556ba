using System.Collections.Concurrent;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Counts failures per key in a fixed window and says when a key has had too many. Successes are not
/// counted. Per process: with several replicas each enforces its own limit, which still bounds the rate.
/// </summary>
public sealed class FailureThrottle(int maxFailures, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public bool IsThrottled(string key)
    {
        var now = time.GetUtcNow();
        return _windows.TryGetValue(key, out var w) && w.Start + window > now && w.Count >= maxFailures;
    }

    public void RecordFailure(string key)
    {
        var now = time.GetUtcNow();
        _windows.AddOrUpdate(key, _ => new Window(now, 1), (_, w) => w.Start + window > now ? w with { Count = w.Count + 1 } : new Window(now, 1));
        if (_windows.Count > 100_000)
        {
            Prune(now);
        }
    }

    public void Reset(string key) => _windows.TryRemove(key, out _);

    // Bounded memory under a flood of distinct keys: forget windows that are over.
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, w) in _windows)
        {
            if (w.Start + window <= now)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
