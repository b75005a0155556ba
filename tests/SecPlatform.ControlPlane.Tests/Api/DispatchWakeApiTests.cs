using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using Command = SecPlatform.ControlPlane.Core.Domain.Command;
using CommandStatus = SecPlatform.ControlPlane.Core.Domain.CommandStatus;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;
using Xunit.Abstractions;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>
/// Long polls are woken one per new command, by waiters that can take it, through the real <see cref="CommandSignal"/>
/// of a control plane behind the gRPC API.
/// </summary>
public abstract class DispatchWakeApiTests(ITestOutputHelper output) : ControlPlaneApiTests
{
    [Fact]
    public async Task PullCommands_TenWaiters_EachEnqueueWakesOneAndCancelledPollsLeave()
    {
        await using var cp = await StartAsync();
        var signal = cp.Services.GetRequiredService<CommandSignal>();
        var tenant = await cp.CreateTenantAsync();
        var gateways = await RegisterAsync(cp, tenant, Enumerable.Repeat<(string, string)?>(null, 10).ToArray());
        using var stop = new CancellationTokenSource();
        var polls = gateways.Select(g => Poll(g, stop.Token)).ToList();
        await UntilAsync(() => signal.WaiterCount == 10, "ten waiters registered");

        var before = signal.Deliveries;
        var waiting = polls.ToList();
        for (var i = 0; i < 3; i++)
        {
            var command = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, $"/srv/{i}"));
            var poll = await Task.WhenAny(waiting).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(command.Id, Assert.Single((await poll).Commands).Id);
            waiting.Remove(poll);
        }

        // One wake-up per command: the other seven polls were not woken (before, every enqueue woke all ten).
        await Task.Delay(300);
        Assert.Equal(3, signal.Deliveries - before);
        Assert.Equal(7, polls.Count(p => !p.IsCompleted));
        Assert.Equal(7, signal.WaiterCount);

        await stop.CancelAsync();
        await UntilAsync(() => signal.WaiterCount == 0, "cancelled polls left the registry");
    }

    [Fact]
    public async Task PullCommands_SelectorOnlyTheSecondWaiterMatches_EnqueueWakesOnlyIt()
    {
        await using var cp = await StartAsync();
        var signal = cp.Services.GetRequiredService<CommandSignal>();
        var tenant = await cp.CreateTenantAsync();
        var gateways = await RegisterAsync(cp, tenant, ("zone", "a"), ("zone", "b"));
        var inOrder = await PollInOrderAsync(signal, gateways);
        var (pollA, pollB) = (inOrder[0], inOrder[1]);

        var before = signal.Deliveries;
        var command = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "/srv/b").With(r => r.Labels["zone"] = "b"));
        Assert.Equal(command.Id, Assert.Single((await pollB.WaitAsync(TimeSpan.FromSeconds(5))).Commands).Id);
        Assert.Equal(1, signal.Deliveries - before);
        Assert.False(pollA.IsCompleted);
    }

    [Fact]
    public async Task PullCommands_WokenWaiterCannotTakeTheCommand_PassesTheWakeOn()
    {
        await using var cp = await StartAsync();
        var signal = cp.Services.GetRequiredService<CommandSignal>();
        var tenant = await cp.CreateTenantAsync();
        var gateways = await RegisterAsync(cp, tenant, ("zone", "a"), ("zone", "b"));
        var inOrder = await PollInOrderAsync(signal, gateways);
        var (pollA, pollB) = (inOrder[0], inOrder[1]);

        // A command only B may take, announced with its tenant alone (as a NOTIFY of an earlier version says it): the
        // longest-waiting waiter, A, is woken first, finds nothing it may take and passes the wake to B.
        var id = await StoreCommandAsync(cp, tenant.Id, new() { ["zone"] = "b" });
        var before = signal.Deliveries;
        var clock = Stopwatch.StartNew();
        signal.Wake(tenant.Id);
        var response = await pollB.WaitAsync(TimeSpan.FromSeconds(5));
        output.WriteLine($"passed on and claimed in {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(id, Assert.Single(response.Commands).Id);
        Assert.Equal(2, signal.Deliveries - before);
        Assert.False(pollA.IsCompleted, "A took nothing and waits on");
    }

    /// <summary>Starts a poll per gateway, each once the one before is waiting: the first waits longest.</summary>
    internal static async Task<List<Task<PullCommandsResponse>>> PollInOrderAsync(CommandSignal signal,
        IEnumerable<AgentGateway.AgentGatewayClient> gateways)
    {
        var polls = new List<Task<PullCommandsResponse>>();
        var registered = signal.WaiterCount;
        foreach (var gateway in gateways)
        {
            polls.Add(Poll(gateway, CancellationToken.None));
            await UntilAsync(() => signal.WaiterCount == registered + polls.Count, $"{polls.Count} waiting");
        }

        return polls;
    }

    internal static Task<PullCommandsResponse> Poll(AgentGateway.AgentGatewayClient gateway, CancellationToken cancellationToken) =>
        gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1, WaitSeconds = 20 }, cancellationToken: cancellationToken).ResponseAsync;

    internal static async Task<List<AgentGateway.AgentGatewayClient>> RegisterAsync(TestControlPlane cp, Contracts.Admin.V1.Tenant tenant,
        params (string Key, string Value)?[] labels)
    {
        var token = await cp.CreateTokenAsync(tenant.Name, maxUses: labels.Length);
        var gateways = new List<AgentGateway.AgentGatewayClient>();
        for (var i = 0; i < labels.Length; i++)
        {
            var request = ApiTestData.Registration(token.Secret, $"agent-{i}");
            if (labels[i] is var (key, value))
            {
                request.Labels[key] = value;
            }

            var agent = await cp.Gateway().RegisterAsync(request);
            var gateway = cp.Gateway(agent.AgentKey);
            await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = $"h-{i}", Acquire = true });
            gateways.Add(gateway);
        }

        return gateways;
    }

    internal static EnqueueCommandRequest Enqueue(string tenant, string path) =>
        new EnqueueCommandRequest { Tenant = tenant, Scanner = "shellcheck" }.With(r => r.Parameters["path"] = path);

    /// <summary>A claimable command written behind the API, so no enqueue wakes anyone.</summary>
    internal static async Task<string> StoreCommandAsync(TestControlPlane cp, string tenantId, Dictionary<string, string> selector)
    {
        var now = cp.Time.GetUtcNow();
        using var platform = TenantContext.Enter(TenantContext.Platform);
        var (command, _) = await cp.Services.GetRequiredService<ICommandQueueStore>().EnqueueCommandAsync(new Command
        {
            Id = SecretToken.NewId(), TenantId = tenantId, Scanner = "shellcheck", Parameters = new() { ["path"] = "/srv" },
            SelectorLabels = selector, RequiredCapabilities = ["shellcheck"], MaxAttempts = 3, TimeoutSeconds = 600, NotBefore = now,
            ExpiresAt = now.AddDays(1), Status = CommandStatus.Queued, AvailableAt = now, SortKey = Command.ComputeSortKey(now, 0),
            CreatedAt = now, CreatedBy = "test",
        }, CancellationToken.None);
        return command.Id;
    }

    internal static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"not reached in 10 s: {what}");
            await Task.Delay(20);
        }
    }
}

public sealed class LiteDbDispatchWakeApiTests(ITestOutputHelper output) : DispatchWakeApiTests(output)
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}

public sealed class PostgresDispatchWakeApiTests(PostgresServer server, ITestOutputHelper output) : DispatchWakeApiTests(output), IClassFixture<PostgresServer>
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => PostgresControlPlanes.StartAsync(server, extraArgs);
}
