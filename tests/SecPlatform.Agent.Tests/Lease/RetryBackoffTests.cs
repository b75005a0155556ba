using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Lease;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    [Fact]
    public void Ceiling_ConsecutiveFailures_DoublesFromOneSecondUpToTheCap()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), new ScriptedRandom(1));

        var ceilings = Enumerable.Range(1, 7).Select(n => backoff.Ceiling(n, Cap).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 10, 10, 10], ceilings);
    }

    [Fact]
    public void NextDelay_FullJitter_IsTheDrawTimesTheCeiling()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), new ScriptedRandom(0.5, 0.25, 0.75));

        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.NextDelay(1, Cap));
        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.NextDelay(2, Cap));
        Assert.Equal(TimeSpan.FromSeconds(3), backoff.NextDelay(3, Cap));
    }

    [Fact]
    public void NextDelay_RandomDrawsZero_NeverGoesBelowTheMinimum()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), new ScriptedRandom(0));

        for (var failures = 1; failures < 50; failures++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.NextDelay(failures, Cap));
        }
    }

    [Fact]
    public void NextDelay_RealRandom_StaysWithinMinimumAndCeiling()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), new Random(1234));

        for (var failures = 1; failures < 1000; failures++)
        {
            var delay = backoff.NextDelay(failures, Cap);
            Assert.InRange(delay, TimeSpan.FromMilliseconds(200), backoff.Ceiling(failures, Cap));
        }
    }

    [Fact]
    public void NextDelay_ManyAgentsAfterAnOutage_AreSpreadOut()
    {
        // Full jitter: agents that failed together do not retry together.
        var random = new Random(42);
        var delays = Enumerable.Range(0, 200)
            .Select(_ => new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), random).NextDelay(5, Cap))
            .ToList();

        Assert.True(delays.Max() - delays.Min() > TimeSpan.FromSeconds(7));
        Assert.True(delays.Distinct().Count() > 190);
    }

    [Fact]
    public void Ceiling_HugeFailureCount_DoesNotOverflow()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), new ScriptedRandom(1));

        Assert.Equal(Cap, backoff.Ceiling(int.MaxValue, Cap));
    }

    [Fact]
    public void Ceiling_CapBelowTheMinimum_IsRaisedToTheMinimum()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), new ScriptedRandom(1));

        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Ceiling(3, TimeSpan.FromMilliseconds(50)));
    }
}
