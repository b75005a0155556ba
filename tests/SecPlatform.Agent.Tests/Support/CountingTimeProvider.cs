using Microsoft.Extensions.Time.Testing;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>A fake clock that counts the timers created on it (each <c>Task.Delay</c> on it creates one), so a test can
/// tell that a loop has started its next wait before it moves the clock on.</summary>
public sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timers;

    public int TimersCreated => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }
}
