using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Lease;

public sealed class RenewScheduleTests
{
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0.0, 9.0)]
    [InlineData(0.5, 10.0)]
    [InlineData(1.0, 11.0)]
    public void WithJitter_SpreadsByTenPercent(double draw, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RenewSchedule.WithJitter(TimeSpan.FromSeconds(10), new ScriptedRandom(draw)));

    [Fact]
    public void NextRenew_ServerGivesNextRenew_UsesIt() =>
        Assert.Equal(TimeSpan.FromSeconds(7), RenewSchedule.NextRenew(new RenewLeaseResponse { NextRenewSeconds = 7 }, Fallback));

    [Fact]
    public void NextRenew_ServerGivesNone_UsesTheRenewInterval() =>
        Assert.Equal(Fallback, RenewSchedule.NextRenew(new RenewLeaseResponse(), Fallback));

    [Fact]
    public void RenewInterval_IntervalGiven_UsesIt() =>
        Assert.Equal(TimeSpan.FromSeconds(3), RenewSchedule.RenewInterval(new LeaseParameters { LeaseDurationSeconds = 40, RenewIntervalSeconds = 3 }, Fallback));

    [Fact]
    public void RenewInterval_ShortTestLeaseWithoutInterval_IsAQuarterOfTheDuration() =>
        Assert.Equal(TimeSpan.FromSeconds(0.5), RenewSchedule.RenewInterval(new LeaseParameters { LeaseDurationSeconds = 2 }, Fallback));

    [Fact]
    public void RenewInterval_NothingGiven_UsesTheFallback()
    {
        Assert.Equal(Fallback, RenewSchedule.RenewInterval(null, Fallback));
        Assert.Equal(Fallback, RenewSchedule.RenewInterval(new LeaseParameters(), Fallback));
    }
}
