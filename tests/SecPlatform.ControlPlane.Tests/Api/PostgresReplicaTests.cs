using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
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
        var newKey = second.Gateway(rotated.AgentKey);
        await newKey.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });

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
        Assert.Equal(CommandStatus.Claimed, (await first.Commands().GetCommandAsync(new GetCommandRequest { Id = claimed.Id })).Status);

        // Deregistered through the first: the second refuses the key at once.
        var (_, leaving) = await first.RegisterAgentAsync();
        var leavingOnSecond = second.Gateway(leaving.AgentKey);
        await leavingOnSecond.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "l", Acquire = true });
        await first.Gateway(leaving.AgentKey).DeregisterAsync(new DeregisterRequest());
        await AssertRefusedAsync(() => leavingOnSecond.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "l" }).ResponseAsync);
        await AssertRefusedAsync(() => leavingOnSecond.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 }).ResponseAsync);
    }

    private static CompleteCommandRequest Succeeded(AssignedCommand command) =>
        new() { CommandId = command.Id, FencingToken = command.FencingToken, Outcome = CommandOutcome.Succeeded };

    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
