using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;
using Xunit.Abstractions;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>Two control-plane replicas on one PostgreSQL database serve agents together.</summary>
public sealed class PostgresReplicaTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task PullCommands_TwentyPollersThroughTwoReplicas_EveryCommandClaimedExactlyOnce()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        await using var first = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database));
        await using var second = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database), adminKey: first.AdminKey);
        var tenant = await first.CreateTenantAsync();
        await first.SeedCommandsAsync(tenant.Id, 5_000, first.Time.GetUtcNow().AddMinutes(-1));
        var token = await first.CreateTokenAsync(tenant.Name, maxUses: 20);

        var claims = new ConcurrentBag<(string CommandId, long Token, string AgentId)>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var replica = i % 2 == 0 ? first : second;
            var agent = await replica.Gateway().RegisterAsync(ApiTestData.Registration(token.Secret, $"poller-{i}"));
            var gateway = replica.Gateway(agent.AgentKey);
            await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = $"poller-{i}", Acquire = true });
            while (true)
            {
                var response = await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 + (i % 3) });
                if (response.Commands.Count == 0)
                {
                    return;
                }

                foreach (var command in response.Commands)
                {
                    claims.Add((command.Id, command.FencingToken, agent.AgentId));
                }
            }
        }));
        output.WriteLine($"5,000 commands claimed by 20 pollers through 2 replicas in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(5_000, claims.Count);
        Assert.Equal(5_000, claims.Select(c => c.CommandId).Distinct().Count());
        Assert.All(claims, c => Assert.Equal(1, c.Token));
        var stillQueued = await first.Commands().ListCommandsAsync(new ListCommandsRequest { Status = "queued" });
        Assert.Empty(stillQueued.Items);
    }

    [Fact]
    public async Task PullCommands_PollerOnOtherReplica_WokenByNotify()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        await using var first = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database));
        await using var second = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database), adminKey: first.AdminKey);
        var (tenant, agent) = await first.RegisterAgentAsync();
        var gateway = second.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });

        var poll = gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1, WaitSeconds = 20 }).ResponseAsync;
        await Task.Delay(300);
        Assert.False(poll.IsCompleted);
        var clock = Stopwatch.StartNew();
        var request = new EnqueueCommandRequest { Tenant = tenant.Id, Scanner = "shellcheck", Parameters = { ["path"] = "/srv" } };
        var command = await first.Commands().EnqueueCommandAsync(request);
        var response = await poll;
        Assert.Equal(command.Id, Assert.Single(response.Commands).Id);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"woken after {clock.Elapsed}");
        output.WriteLine($"cross-replica dispatch latency: {clock.Elapsed.TotalMilliseconds:F1} ms (includes the enqueue call)");
    }

    [Fact]
    public async Task AgentKey_RotatedRevokedOrDeregisteredThroughOneReplica_HonouredAtOnceByTheOther()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        await using var first = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database));
        await using var second = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database), adminKey: first.AdminKey);
        var (tenant, agent) = await first.RegisterAgentAsync();
        var oldKey = second.Gateway(agent.AgentKey);
        await oldKey.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });

        // Rotated through the first: the second takes the old key during its grace only, and the new one at once.
        var rotated = await first.Gateway(agent.AgentKey).RotateKeyAsync(new RotateKeyRequest());
        Assert.Empty((await oldKey.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        second.Time.Advance(TimeSpan.FromMinutes(6));
        await AssertRefusedAsync(() => oldKey.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 }).ResponseAsync);
        // The renewal checks the key in its own statement too (docs/adr/0003): the expired key is refused as before.
        await AssertRefusedAsync(() => oldKey.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" }).ResponseAsync);
        var newKey = second.Gateway(rotated.AgentKey);
        var renewed = await newKey.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });
        Assert.Equal((false, false, false), (renewed.Revoked, renewed.Drain, renewed.Cordoned));
        Assert.InRange((renewed.RenewTime.ToDateTimeOffset() - second.Time.GetUtcNow()).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));

        // The completion checks the key in its own statement: the expired old key and a forged secret are refused and
        // change nothing; the current key completes.
        var enqueue = new EnqueueCommandRequest { Tenant = tenant.Id, Scanner = "shellcheck", Parameters = { ["path"] = "/srv" } };
        await first.Commands().EnqueueCommandAsync(enqueue);
        var done = Assert.Single((await newKey.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        var parts = rotated.AgentKey.Split('_');
        var forged = second.Gateway($"{parts[0]}_{parts[1]}_{new string(parts[2][0] == 'a' ? 'b' : 'a', parts[2].Length)}");
        foreach (var refused in new[] { oldKey, forged })
        {
            await AssertRefusedAsync(() => refused.CompleteCommandAsync(Succeeded(done)).ResponseAsync);
            await AssertRefusedAsync(() => refused.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" }).ResponseAsync);
        }

        Assert.Equal(CommandStatus.Claimed, (await first.Commands().GetCommandAsync(new GetCommandRequest { Id = done.Id })).Status);
        Assert.Equal("succeeded", (await newKey.CompleteCommandAsync(Succeeded(done))).Status);

        // Revoked through the first while holding a claimed command: the second refuses its next pull and completion.
        var enqueued = await first.Commands().EnqueueCommandAsync(enqueue);
        var claimed = Assert.Single((await newKey.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        Assert.Equal(enqueued.Id, claimed.Id);
        await first.Agents().RevokeAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        await AssertRefusedAsync(() => newKey.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 }).ResponseAsync);
        await AssertRefusedAsync(() => newKey.CompleteCommandAsync(Succeeded(claimed)).ResponseAsync);
        // A revoked agent's renewal is answered as before: revoked, drain, cordoned, the lease not renewed.
        second.Time.Advance(TimeSpan.FromSeconds(10));
        var revoked = await newKey.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });
        Assert.Equal((true, true, true), (revoked.Revoked, revoked.Drain, revoked.Cordoned));
        Assert.True(revoked.RenewTime is null || second.Time.GetUtcNow() - revoked.RenewTime.ToDateTimeOffset() >= TimeSpan.FromSeconds(10));
        Assert.Equal(CommandStatus.Claimed, (await first.Commands().GetCommandAsync(new GetCommandRequest { Id = claimed.Id })).Status);

        // Deregistered through the first: the second refuses the key at once.
        var (_, leaving) = await first.RegisterAgentAsync();
        var leavingOnSecond = second.Gateway(leaving.AgentKey);
        await leavingOnSecond.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "l", Acquire = true });
        await first.Gateway(leaving.AgentKey).DeregisterAsync(new DeregisterRequest());
        await AssertRefusedAsync(() => leavingOnSecond.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "l" }).ResponseAsync);
        await AssertRefusedAsync(() => leavingOnSecond.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 }).ResponseAsync);
    }

    [Fact]
    public async Task PullCommands_FivePollersOnOtherReplica_OneNotifyWakesOneThatCanTakeIt()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        await using var first = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database));
        await using var second = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database), adminKey: first.AdminKey);
        var (firstSignal, secondSignal) = (Signal(first), Signal(second));
        var tenant = await first.CreateTenantAsync();
        // Four agents that may not take the command, registered (and waiting) first, then the one that may.
        var gateways = await DispatchWakeApiTests.RegisterAsync(second, tenant, null, null, null, null, ("zone", "b"));
        var polls = await DispatchWakeApiTests.PollInOrderAsync(secondSignal, gateways);

        var before = (firstSignal.Deliveries, secondSignal.Deliveries);
        var command = await first.Commands().EnqueueCommandAsync(
            DispatchWakeApiTests.Enqueue(tenant.Id, "/srv").With(r => r.Labels["zone"] = "b"));
        var response = await polls[4].WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(command.Id, Assert.Single(response.Commands).Id);
        await Task.Delay(300);
        // The NOTIFY's hint chose the one agent with the label: no claim by the other four.
        Assert.Equal((0L, 1L), (firstSignal.Deliveries - before.Item1, secondSignal.Deliveries - before.Item2));
        Assert.All(polls.Take(4), p => Assert.False(p.IsCompleted));
    }

    [Fact]
    public async Task PullCommands_PollerOnSameReplica_ItsOwnNotifyDoesNotWakeASecondWaiter()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        await using var cp = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database));
        var signal = Signal(cp);
        var tenant = await cp.CreateTenantAsync();
        var gateways = await DispatchWakeApiTests.RegisterAsync(cp, tenant, null, null);
        var polls = gateways.Select(g => DispatchWakeApiTests.Poll(g, CancellationToken.None)).ToList();
        await DispatchWakeApiTests.UntilAsync(() => signal.WaiterCount == 2, "two waiting");

        var before = signal.Deliveries;
        var command = await cp.Commands().EnqueueCommandAsync(DispatchWakeApiTests.Enqueue(tenant.Id, "/srv"));
        var done = await Task.WhenAny(polls).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(command.Id, Assert.Single((await done).Commands).Id);
        // The listener has had time to receive the replica's own NOTIFY: it skipped it.
        await Task.Delay(500);
        Assert.Equal(1, signal.Deliveries - before);
        Assert.Equal(1, polls.Count(p => !p.IsCompleted));
    }

    [Fact]
    public async Task PullCommands_NotifyWithTenantOnly_WakeGoesFromWaiterToWaiterUntilOneTakesIt()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        await using var cp = await TestControlPlane.StartAsync(PostgresControlPlanes.StoreArgs(database));
        var signal = Signal(cp);
        var tenant = await cp.CreateTenantAsync();
        var gateways = await DispatchWakeApiTests.RegisterAsync(cp, tenant, ("zone", "a"), ("zone", "b"));
        var inOrder = await DispatchWakeApiTests.PollInOrderAsync(signal, gateways);
        var (pollA, pollB) = (inOrder[0], inOrder[1]);

        // A replica of an earlier version NOTIFYs the tenant id alone: A (waiting longest) is woken, cannot take the
        // command (selector zone=b), and passes the wake to B.
        var id = await DispatchWakeApiTests.StoreCommandAsync(cp, tenant.Id, new() { ["zone"] = "b" });
        var before = signal.Deliveries;
        await using (var connection = new NpgsqlConnection(database.ServiceConnectionString))
        {
            await connection.OpenAsync();
            await using var notify = new NpgsqlCommand("SELECT pg_notify('secplat_commands', $1)", connection) { Parameters = { new() { Value = tenant.Id } } };
            await notify.ExecuteNonQueryAsync();
        }

        var response = await pollB.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(id, Assert.Single(response.Commands).Id);
        Assert.Equal(2, signal.Deliveries - before);
        Assert.False(pollA.IsCompleted);
    }

    private static CompleteCommandRequest Succeeded(AssignedCommand command) =>
        new() { CommandId = command.Id, FencingToken = command.FencingToken, Outcome = CommandOutcome.Succeeded };

    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    private static CommandSignal Signal(TestControlPlane cp) => cp.Services.GetRequiredService<CommandSignal>();
}
