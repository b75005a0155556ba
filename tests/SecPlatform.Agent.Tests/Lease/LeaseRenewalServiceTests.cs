using System.Diagnostics;
using System.Runtime.Versioning;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Lease;

/// <summary>The renew loop against a scripted control plane, on a fake clock: nothing here sleeps for the loop's delays.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class LeaseRenewalServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(150);

    private readonly TempDirectory _temp = new();
    private readonly CountingTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeAgentGateway _gateway;
    private readonly AgentStateStore _store;
    private readonly AgentIdentity _identity = Samples.Identity() with { LeaseDurationSeconds = 40, RenewIntervalSeconds = 10 };
    private readonly HolderIdentity _holder = HolderIdentity.Create("test-host");
    private readonly FakeLifetime _lifetime = new();
    private readonly ListLogger<LeaseRenewalService> _logger = new();
    private readonly OutboxStartupGate _gate = new();
    private LeaseMonitor? _monitor;
    private AgentRunOutcome? _outcome;
    private LeaseRenewalService? _service;

    public LeaseRenewalServiceTests()
    {
        _gateway = new FakeAgentGateway(_time);
        _store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);
        _store.SaveIdentity(_identity);
    }

    private AgentRunOutcome Outcome => _outcome!;

    private LeaseRenewalService Service => _service!;

    [Fact]
    public async Task Start_FirstRenew_AcquiresWithVersionAndCapabilitiesThenRenews()
    {
        File.WriteAllText(_temp.Combine("fake-scanner"), "#!/bin/sh\necho 'version: 1.2.3'\n");
        File.SetUnixFileMode(_temp.Combine("fake-scanner"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var probe = new ScannerVersionProbe("fake-scanner", "fake-scanner", ["--version"], SupportedScanners.ParseShellCheckVersion);

        await StartAsync(new ScriptedRandom(0.5), [probe], path: _temp.Path);
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 2);

        var first = _gateway.Renewals[0].Request;
        Assert.True(first.Acquire);
        Assert.Equal(_holder.Value, first.HolderIdentity);
        Assert.Equal("9.9.9-test", first.Version);
        var capability = Assert.Single(first.Capabilities);
        Assert.Equal(("fake-scanner", "1.2.3"), (capability.Scanner, capability.Version));
        Assert.False(_gateway.Renewals[1].Request.Acquire);
        Assert.Equal(_holder.Value, _gateway.Renewals[1].Request.HolderIdentity);
        Assert.Equal([new ScannerCapability("fake-scanner", "1.2.3")], _store.GetIdentity()!.Capabilities);
    }

    [Fact]
    public async Task Renew_Answered_WaitsNextRenewSecondsWithTenPercentJitter()
    {
        _gateway.OnRenew = (_, _) => FakeAgentGateway.Answer(nextRenewSeconds: 10);

        // Draws 0 and 1 are the ends of the jitter range: 9 s and 11 s.
        await StartAsync(new ScriptedRandom(0.0, 1.0, 0.5));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 4);

        AssertGap(0, TimeSpan.FromSeconds(9));
        AssertGap(1, TimeSpan.FromSeconds(11));
        AssertGap(2, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Renew_EveryCall_HasADeadline()
    {
        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 2);

        Assert.All(_gateway.Renewals, renewal => Assert.InRange(renewal.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Renew_TransientFailures_BackOffThenRetryAndStillAcquire()
    {
        _gateway.OnRenew = (index, _) => index switch
        {
            0 => throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused"),
            1 => throw FakeAgentGateway.Error(StatusCode.DeadlineExceeded, "Deadline Exceeded"),
            _ => FakeAgentGateway.Answer(nextRenewSeconds: 10),
        };

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 4);

        // Full jitter with draw 0.5: half of 1 s, then half of 2 s; then the normal schedule.
        AssertGap(0, TimeSpan.FromSeconds(0.5));
        AssertGap(1, TimeSpan.FromSeconds(1));
        AssertGap(2, TimeSpan.FromSeconds(10));
        Assert.Equal([true, true, true, false], _gateway.Renewals.Select(r => r.Request.Acquire));
        Assert.False(Service.ExecuteTask!.IsCompleted);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Unavailable Connection refused"));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("Lease acquired"));
    }

    [Fact]
    public async Task Renew_ControlPlaneStaysDown_BackOffDoublesUpToTheRenewInterval()
    {
        _gateway.OnRenew = (_, _) => throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused");

        await StartAsync(new ScriptedRandom(1.0));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 8);

        double[] expected = [1, 2, 4, 8, 10, 10, 10];
        for (var i = 0; i < expected.Length; i++)
        {
            AssertGap(i, TimeSpan.FromSeconds(expected[i]));
        }

        Assert.False(Service.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task Renew_ControlPlaneStaysDown_NeverRetriesInATightLoop()
    {
        _gateway.OnRenew = (_, _) => throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused");

        // The unluckiest draw: zero every time.
        await StartAsync(new ScriptedRandom(0.0));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 20);

        var renewals = _gateway.Renewals;
        for (var i = 1; i < renewals.Count; i++)
        {
            Assert.True(renewals[i].At - renewals[i - 1].At >= RetryBackoff.DefaultMinimumDelay);
        }

        // Logged on the first failure and every tenth, not on each one.
        Assert.InRange(_logger.Entries.Count(e => e.Message.Contains("Lease renewal failed")), 2, 3);
    }

    [Fact]
    public async Task Renew_Superseded_StopsWithExitCode3AndDoesNotRelease()
    {
        _gateway.OnRenew = (index, _) => index == 0
            ? FakeAgentGateway.Answer(nextRenewSeconds: 10)
            : throw FakeAgentGateway.Error(StatusCode.FailedPrecondition, "another process holds this agent's lease");

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => Service.ExecuteTask!.IsCompleted);

        Assert.Equal(AgentExitCode.Superseded, Outcome.ExitCode);
        Assert.Equal(3, (int)Outcome.ExitCode);
        Assert.True(_lifetime.StopRequested);
        Assert.Empty(_gateway.Releases);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("Another process holds this agent's lease"));
    }

    [Fact]
    public async Task Renew_AnsweredRevoked_StopsWithExitCode4()
    {
        _gateway.OnRenew = (_, _) => FakeAgentGateway.Answer(nextRenewSeconds: 10, revoked: true);

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => Service.ExecuteTask!.IsCompleted);

        Assert.Equal(AgentExitCode.Revoked, Outcome.ExitCode);
        Assert.Equal(4, (int)Outcome.ExitCode);
        Assert.True(_lifetime.StopRequested);
        Assert.Empty(_gateway.Releases);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("revoked agent"));
    }

    [Fact]
    public async Task Renew_KeyRefused_StopsWithExitCode4()
    {
        _gateway.OnRenew = (_, _) => throw FakeAgentGateway.Error(StatusCode.Unauthenticated, "this agent was revoked");

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => Service.ExecuteTask!.IsCompleted);

        Assert.Equal(AgentExitCode.Revoked, Outcome.ExitCode);
        Assert.Single(_gateway.Renewals);
    }

    [Fact]
    public async Task Stop_AfterAcquire_ReleasesAsThisHolderAndExitsOk()
    {
        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 1);

        await Service.StopAsync(CancellationToken.None);

        var release = Assert.Single(_gateway.Releases);
        Assert.Equal(_holder.Value, release.HolderIdentity);
        Assert.Equal(AgentExitCode.Ok, Outcome.ExitCode);
        Assert.False(_lifetime.StopRequested);
    }

    [Fact]
    public async Task Renew_Answered_RecordsTheLeaseLocally()
    {
        _gateway.OnRenew = (_, _) => FakeAgentGateway.Answer(nextRenewSeconds: 10, transitions: 5);

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 1);
        await WaitForAsync(() => _store.GetLease() is not null);

        var lease = _store.GetLease()!;
        Assert.Equal(_holder.Value, lease.HolderIdentity);
        Assert.Equal(_gateway.Renewals[0].At, lease.LastRenewSentAt);
        Assert.Equal(40, lease.LeaseDurationSeconds);
        Assert.Equal(10, lease.RenewIntervalSeconds);
        Assert.Equal(5, lease.Transitions);
        Assert.False(lease.Drain);
    }

    [Fact]
    public async Task Renew_DrainAndCordon_AreRecordedAndLoggedOnceOnChange()
    {
        bool[] drain = [false, true, true, true, false, false];
        _gateway.OnRenew = (index, _) => FakeAgentGateway.Answer(nextRenewSeconds: 10, drain: drain[Math.Min(index, drain.Length - 1)], cordoned: index >= 2);

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 3);
        await WaitForAsync(() => _store.GetLease() is { Drain: true, Cordoned: true });
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 6);
        await WaitForAsync(() => _store.GetLease() is { Drain: false, Cordoned: true });

        Assert.Equal(2, _logger.Entries.Count(e => e.Message.Contains("to drain")));
        Assert.Single(_logger.Entries, e => e.Message.Contains("cordoned"));
    }

    [Fact]
    public async Task Renew_Logs_NeverContainTheKey()
    {
        _gateway.OnRenew = (index, _) => index == 0
            ? throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused")
            : throw FakeAgentGateway.Error(StatusCode.Unauthenticated, "refused");

        await StartAsync(new ScriptedRandom(0.5));
        await DriveUntilAsync(() => Service.ExecuteTask!.IsCompleted);

        Assert.DoesNotContain(_logger.Entries, e => e.Message.Contains(_identity.AgentKey.Secret));
    }

    [Fact]
    public async Task Start_OutboxGateClosed_DoesNotAcquireUntilItOpens()
    {
        await StartAsync(new ScriptedRandom(0.5), gateOpen: false);
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        Assert.Empty(_gateway.Renewals);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("first delivery attempt"));

        _gate.Open();
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 1);

        Assert.True(_gateway.Renewals[0].Request.Acquire);
    }

    [Fact]
    public async Task Renew_Answered_TellsTheMonitorWithDrainAndStopRequests()
    {
        var stops = new List<string>();
        _gateway.OnRenew = (index, _) =>
        {
            var answer = FakeAgentGateway.Answer(nextRenewSeconds: 10, drain: index >= 1);
            answer.StopCommandIds.Add($"cmd{index:D9}");
            return answer;
        };

        await StartAsync(new ScriptedRandom(0.5));
        _monitor!.StopRequested += ids => { lock (stops) { stops.AddRange(ids); } };
        await DriveUntilAsync(() => _gateway.Renewals.Count >= 2);
        await WaitForAsync(() => _monitor.WhyNoWork() is not null && _monitor.WhyNoWork()!.Contains("drain"));

        lock (stops)
        {
            Assert.Contains("cmd000000001", stops);
        }
    }

    [Fact]
    public async Task Renew_Superseded_FencesTheMonitorForGood()
    {
        var fenced = new List<LeaseLoss>();
        _gateway.OnRenew = (index, _) => index == 0
            ? FakeAgentGateway.Answer(nextRenewSeconds: 10)
            : throw FakeAgentGateway.Error(StatusCode.FailedPrecondition, "another process holds this agent's lease");

        await StartAsync(new ScriptedRandom(0.5));
        _monitor!.Fenced += fenced.Add;
        await DriveUntilAsync(() => Service.ExecuteTask!.IsCompleted);

        Assert.Equal([LeaseLoss.Superseded], fenced);
        Assert.True(_monitor.IsFenced);
        Assert.Contains("another process", _monitor.WhyNoWork());
    }

    private async Task StartAsync(Random random, IReadOnlyList<ScannerVersionProbe>? probes = null, string? path = null, bool gateOpen = true)
    {
        if (gateOpen)
        {
            _gate.Open();
        }

        _monitor = new LeaseMonitor(_time, new ListLogger<LeaseMonitor>());
        var detector = new ScannerDetector(probes ?? [], new ExecutableLocator(AgentPlatforms.Current, name => name == "PATH" ? path : null), _time);
        var machine = new MachineFacts("test-host", "linux", "x64", "9.9.9-test");
        _outcome = new AgentRunOutcome(_lifetime);
        _service = new LeaseRenewalService(_gateway, _store, _identity, _holder, detector, machine, _outcome, _monitor, _gate,
            Options.Create(new LeaseRenewalOptions()), _time, random, _logger);
        await _service.StartAsync(CancellationToken.None);
    }

    /// <summary>Moves the fake clock in small steps until <paramref name="done"/>, pausing after each call the
    /// loop makes until it has scheduled its next wait (a new timer on the clock) before the clock moves on: on a busy
    /// machine a fixed pause is not always long enough.</summary>
    private async Task DriveUntilAsync(Func<bool> done)
    {
        var watch = Stopwatch.StartNew();
        var seen = _gateway.Renewals.Count;
        var timers = _time.TimersCreated;
        while (!done())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"gave up after {_gateway.Renewals.Count} renewals");
            await Task.Delay(2);
            if (_gateway.Renewals.Count != seen)
            {
                seen = _gateway.Renewals.Count;
                var waiting = Stopwatch.StartNew();
                while (_time.TimersCreated <= timers && !done() && waiting.Elapsed < TimeSpan.FromSeconds(5))
                {
                    await Task.Delay(2);
                }

                await Task.Delay(5);
                continue;
            }

            if (!done())
            {
                timers = _time.TimersCreated;
                _time.Advance(Step);
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not met");
            await Task.Delay(5);
        }
    }

    private void AssertGap(int index, TimeSpan expected)
    {
        var renewals = _gateway.Renewals;
        var gap = renewals[index + 1].At - renewals[index].At;
        Assert.InRange(gap, expected, expected + Tolerance);
    }

    // xUnit 2 disposes test classes through IAsyncLifetime (it does not call IAsyncDisposable).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }

        _monitor?.Dispose();
        _store.Dispose();
        _temp.Dispose();
    }
}
