using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Tests.Services;

/// <summary>The waiter registry on its own: who is woken, and where a wake goes when its waiter cannot use it.</summary>
public sealed class CommandSignalTests
{
    private static readonly string[] Shellcheck = ["shellcheck"];

    [Fact]
    public void Wake_WithHint_OnlyAWaiterThatCanTakeTheCommand_AndNoOneIfNoneCan()
    {
        var signal = new CommandSignal();
        using var a = Waiter(signal, "t1", "a", ("zone", "a"));
        using var b = Waiter(signal, "t1", "b", ("zone", "b"));
        using var other = Waiter(signal, "t2", "c", ("zone", "b"));

        signal.Wake("t1", Hint("c1", ("zone", "b")));
        Assert.Equal((false, true, false), (Woken(a), Woken(b), Woken(other)));

        signal.Wake("t1", Hint("c2", ("zone", "z")));
        signal.Wake("t1", Hint("c3") with { TargetAgentId = "nobody" });
        signal.Wake("t1", Hint("c4") with { Capabilities = ["shellcheck", "nmap"] });
        Assert.Equal(1, signal.Deliveries);
    }

    [Fact]
    public async Task Wake_TenantsOwnIdleWaitersFirst_ThenPlatformAgents()
    {
        var signal = new CommandSignal();
        using var platform = Waiter(signal, null, "p");
        using var own = Waiter(signal, "t1", "a");
        using var stop = new CancellationTokenSource();
        _ = platform.WaitAsync(TimeSpan.FromSeconds(30), stop.Token);
        _ = own.WaitAsync(TimeSpan.FromSeconds(30), stop.Token);
        signal.Wake("t1", Hint("c1"));
        Assert.Equal((true, false), (Woken(own), Woken(platform)));
        // The tenant's waiter holds a wake already: the idle platform agent gets the next.
        signal.Wake("t1", Hint("c2"));
        Assert.True(Woken(platform));
        await stop.CancelAsync();
    }

    [Fact]
    public void Settle_HintedWakeAndNothingClaimed_CommandIsGone_NotPassedOn()
    {
        var signal = new CommandSignal();
        using var a = Waiter(signal, "t1", "a");
        using var b = Waiter(signal, "t1", "b");
        signal.Wake("t1", Hint("c1"));
        a.BeginLook();
        a.Settle([]);
        Assert.Equal(1, signal.Deliveries);
        Assert.False(Woken(b));
    }

    [Fact]
    public void Settle_HintedWakeButOtherCommandsClaimed_PassedOnOnce()
    {
        var signal = new CommandSignal();
        using var a = Waiter(signal, "t1", "a");
        using var b = Waiter(signal, "t1", "b");
        signal.Wake("t1", Hint("c1"));
        a.BeginLook();
        a.Settle([Claimed("older")]);
        Assert.True(Woken(b));

        // B finds it gone: the wake ends there.
        b.BeginLook();
        b.Settle([]);
        Assert.Equal(2, signal.Deliveries);
    }

    [Fact]
    public void Settle_TenantOnlyWake_PassesFromWaiterToWaiterUntilEachHasLookedOnce()
    {
        var signal = new CommandSignal();
        var waiters = Enumerable.Range(0, 3).Select(i => Waiter(signal, "t1", $"w{i}")).ToList();
        signal.Wake("t1");
        foreach (var waiter in waiters)
        {
            Assert.True(Woken(waiter));
            waiter.BeginLook();
            waiter.Settle([]);
        }

        Assert.Equal(3, signal.Deliveries);
        waiters.ForEach(w => w.Dispose());
        Assert.Equal(0, signal.WaiterCount);
    }

    [Fact]
    public void Settle_WakeHandedDuringTheLook_IsJudgedByTheNextLook()
    {
        var signal = new CommandSignal();
        using var a = Waiter(signal, "t1", "a");
        using var b = Waiter(signal, "t1", "b");
        a.BeginLook();
        // Committed after A's look began: A's claim may not have seen it, so A looks again rather than drop it.
        signal.Wake("t1", Hint("c1"));
        a.Settle([]);
        Assert.True(Woken(a));
        Assert.False(Woken(b));
    }

    [Fact]
    public void Dispose_PollEndsHoldingAWake_TheWakeGoesToAnotherWaiter()
    {
        var signal = new CommandSignal();
        var a = Waiter(signal, "t1", "a");
        using var b = Waiter(signal, "t1", "b");
        signal.Wake("t1", Hint("c1"));
        Assert.False(Woken(b));
        a.Dispose();
        Assert.True(Woken(b));
        Assert.Equal(1, signal.WaiterCount);
    }

    [Fact]
    public async Task WakeAll_EveryWaiterLooksOnce_NothingPassedOn()
    {
        var signal = new CommandSignal();
        using var a = Waiter(signal, "t1", "a");
        using var p = Waiter(signal, null, "p");
        var waits = new[] { a.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None), p.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None) };
        signal.WakeAll();
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(5));
        a.BeginLook();
        a.Settle([]);
        Assert.Equal(2, signal.Deliveries);
    }

    private static CommandSignal.Waiter Waiter(CommandSignal signal, string? tenant, string agent, params (string Key, string Value)[] labels) =>
        signal.Register(tenant, agent, labels.ToDictionary(l => l.Key, l => l.Value), Shellcheck);

    private static WakeHint Hint(string commandId, params (string Key, string Value)[] selector) =>
        new(commandId, null, selector.ToDictionary(l => l.Key, l => l.Value), Shellcheck);

    private static bool Woken(CommandSignal.Waiter waiter) => waiter.HasWake;

    private static Command Claimed(string id) => new()
    {
        Id = id, TenantId = "t1", Scanner = "shellcheck", Status = CommandStatus.Claimed, CreatedBy = "test",
        AvailableAt = DateTimeOffset.UnixEpoch, CreatedAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch,
        NotBefore = DateTimeOffset.UnixEpoch, SortKey = DateTimeOffset.UnixEpoch, MaxAttempts = 3, TimeoutSeconds = 600,
    };
}
