using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Moves a fake clock in small steps until a condition holds, giving the code under test real time to react
/// between steps (it runs on the thread pool); gives up after 30 s of real time.</summary>
public static class FakeClock
{
    public static async Task DriveUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan? step = null, string? what = null)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"gave up waiting for {what ?? "the condition"} at fake time {time.GetUtcNow():O}");
            await Task.Delay(5);
            if (!done())
            {
                time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Waits in real time (the fake clock stands still) until <paramref name="done"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, string? what = null)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"gave up waiting for {what ?? "the condition"}");
            await Task.Delay(5);
        }
    }
}
