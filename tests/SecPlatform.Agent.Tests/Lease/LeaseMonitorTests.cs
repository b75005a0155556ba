using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Lease;

/// <summary>Self-fencing on a fake clock.</summary>
public sealed class LeaseMonitorTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<LeaseMonitor> _logger = new();
    private readonly LeaseMonitor _monitor;
    private readonly List<LeaseLoss> _fenced = [];

    public LeaseMonitorTests()
    {
        _monitor = new LeaseMonitor(_time, _logger);
        _monitor.Fenced += loss => { lock (_fenced) { _fenced.Add(loss); } };
    }

    [Fact]
    public void WhyNoWork_BeforeTheFirstRenewal_NotHeld()
    {
        Assert.Equal("the lease is not held yet", _monitor.WhyNoWork());
        Assert.False(_monitor.WaitUntilHeldAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Renewed_NoRenewalFor80PercentOfTheLeaseCountedFromTheSend_Fences()
    {
        var sent = _time.GetTimestamp();
        // The answer took 2 s: the deadline still counts from the send.
        _time.Advance(TimeSpan.FromSeconds(2));
        _monitor.Renewed(sent, Lease, drain: false, []);
        Assert.Null(_monitor.WhyNoWork());
        Assert.True(_monitor.WaitUntilHeldAsync(CancellationToken.None).IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(5.9));
        Assert.Empty(_fenced);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal([LeaseLoss.SelfFenced], _fenced);
        Assert.True(_monitor.IsFenced);
        Assert.StartsWith("self-fenced", _monitor.WhyNoWork());
        Assert.Contains(_logger.Entries, e => e.Message.Contains("Self-fencing: no lease renewal succeeded for 8 s"));
    }

    [Fact]
    public void Renewed_InTime_MovesTheDeadline()
    {
        _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);
        _time.Advance(TimeSpan.FromSeconds(7));
        _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);

        _time.Advance(TimeSpan.FromSeconds(7));

        Assert.Empty(_fenced);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([LeaseLoss.SelfFenced], _fenced);
    }

    [Fact]
    public void Renewed_AfterTheFence_LiftsItAndWorkMayBeTakenAgain()
    {
        _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(_monitor.IsFenced);
        var changed = _monitor.Changed.Next();

        _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);

        Assert.False(_monitor.IsFenced);
        Assert.Null(_monitor.WhyNoWork());
        Assert.True(changed.IsCompleted);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("after self-fencing"));
    }

    [Fact]
    public void Renewed_AnswerCameAfterTheDeadline_FencesAtOnce()
    {
        var sent = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(8.5));

        _monitor.Renewed(sent, Lease, false, []);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([LeaseLoss.SelfFenced], _fenced);
    }

    [Fact]
    public void Renewed_Drain_NoWorkWithTheReason()
    {
        _monitor.Renewed(_time.GetTimestamp(), Lease, drain: true, []);

        Assert.Equal("the control plane asks this agent to drain", _monitor.WhyNoWork());
        Assert.False(_monitor.IsFenced);
    }

    [Fact]
    public void Renewed_StopRequests_AreHandedOn()
    {
        var stops = new List<string>();
        _monitor.StopRequested += stops.AddRange;

        _monitor.Renewed(_time.GetTimestamp(), Lease, false, ["cmd000000001", "cmd000000002"]);

        Assert.Equal(["cmd000000001", "cmd000000002"], stops);
    }

    [Fact]
    public void Lost_Superseded_FencesForGoodEvenAfterALateRenewal()
    {
        _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);

        _monitor.Lost(LeaseLoss.Superseded);
        _monitor.Renewed(_time.GetTimestamp(), Lease, false, []);
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal([LeaseLoss.Superseded], _fenced);
        Assert.True(_monitor.IsFenced);
        Assert.Equal("another process holds this agent's lease", _monitor.WhyNoWork());
    }

    public void Dispose() => _monitor.Dispose();
}
