using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>Lease semantics through the real API, with time driven by a fake clock (lease duration 4 s).</summary>
public abstract class LeaseApiTests : ControlPlaneApiTests
{
    [Fact]
    public async Task RenewLease_ThenNoRenewalPastDuration_ReaperMarksOffline()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        Assert.Equal(AgentHealth.Offline, (await GetAgentAsync(cp, agent.AgentId)).Health);

        var first = await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a", Acquire = true });
        Assert.Equal(4, first.Lease.LeaseDurationSeconds);
        Assert.Equal(1, first.NextRenewSeconds);
        Assert.Equal(0, first.LeaseTransitions);
        await cp.Reaper.RunOnceAsync(CancellationToken.None);
        Assert.Equal(AgentHealth.Online, (await GetAgentAsync(cp, agent.AgentId)).Health);

        cp.Time.Advance(TimeSpan.FromSeconds(3));
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a" });
        cp.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await cp.Reaper.RunOnceAsync(CancellationToken.None));
        Assert.Equal(AgentHealth.Online, (await GetAgentAsync(cp, agent.AgentId)).Health);

        cp.Time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal([agent.AgentId], await cp.Reaper.RunOnceAsync(CancellationToken.None));
        var offline = await GetAgentAsync(cp, agent.AgentId);
        Assert.Equal(AgentHealth.Offline, offline.Health);
        Assert.Equal("host/1/a", offline.Lease.HolderIdentity);
    }

    [Fact]
    public async Task RenewLease_NewHolderAcquires_TransitionsGrowAndOldHolderIsRefused()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a", Acquire = true });

        var takeover = await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/2/b", Acquire = true });
        Assert.Equal(1, takeover.LeaseTransitions);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("another process holds this agent's lease", refused.Status.Detail);

        var view = await GetAgentAsync(cp, agent.AgentId);
        Assert.Equal("host/2/b", view.Lease.HolderIdentity);
        Assert.Equal(1, view.Lease.LeaseTransitions);

        // A release by the superseded holder does not end the new holder's lease.
        await gateway.ReleaseLeaseAsync(new ReleaseLeaseRequest { HolderIdentity = "host/1/a" });
        await cp.Reaper.RunOnceAsync(CancellationToken.None);
        Assert.Equal(AgentHealth.Online, (await GetAgentAsync(cp, agent.AgentId)).Health);
        await gateway.ReleaseLeaseAsync(new ReleaseLeaseRequest { HolderIdentity = "host/2/b" });
        Assert.Equal(AgentHealth.Offline, (await GetAgentAsync(cp, agent.AgentId)).Health);
    }

    [Fact]
    public async Task RenewLease_AfterControlPlaneOutage_LeasesGetOneDurationOfGrace()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        await cp.Gateway(agent.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await cp.Reaper.RunOnceAsync(CancellationToken.None);

        // Nobody ran the reaper (or served renewals) for a minute: an outage.
        cp.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await cp.Reaper.RunOnceAsync(CancellationToken.None));
        cp.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await cp.Reaper.RunOnceAsync(CancellationToken.None));
        Assert.Equal(AgentHealth.Online, (await GetAgentAsync(cp, agent.AgentId)).Health);

        cp.Time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal([agent.AgentId], await cp.Reaper.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RevokeAgent_KeyRefusedAtOnce_RenewSaysRevoked()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });

        var revoked = await cp.Agents().RevokeAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        Assert.True(revoked.Revoked);
        Assert.Equal(AgentHealth.Offline, revoked.Health);

        var answer = await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });
        Assert.True(answer.Revoked);
        var rotate = await Assert.ThrowsAsync<RpcException>(() => gateway.RotateKeyAsync(new RotateKeyRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, rotate.StatusCode);
        Assert.Equal(AgentHealth.Offline, (await GetAgentAsync(cp, agent.AgentId)).Health);
    }

    [Fact]
    public async Task DrainAndCordon_ReportedOnRenew()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await cp.Agents().CordonAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        var cordoned = await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        Assert.True(cordoned.Cordoned);
        Assert.False(cordoned.Drain);

        await cp.Agents().DrainAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        Assert.True((await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" })).Drain);

        var uncordoned = await cp.Agents().UncordonAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        Assert.False(uncordoned.Cordoned);
        Assert.False(uncordoned.Draining);
    }

    [Fact]
    public async Task RotateKey_OldKeyWorksDuringGraceOnly()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        var rotated = await cp.Gateway(agent.AgentKey).RotateKeyAsync(new RotateKeyRequest());
        Assert.NotEqual(agent.AgentKey, rotated.AgentKey);

        await cp.Gateway(agent.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        cp.Time.Advance(TimeSpan.FromMinutes(6));
        var old = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Gateway(agent.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, old.StatusCode);
        await cp.Gateway(rotated.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });
    }

    [Fact]
    public async Task Deregister_AgentGoneAndKeyRefused()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        await cp.Gateway(agent.AgentKey).DeregisterAsync(new DeregisterRequest());
        Assert.Empty((await cp.Agents().ListAgentsAsync(new ListAgentsRequest())).Items);
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Gateway(agent.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task RenewLease_UpdatesVersionAndCapabilities()
    {
        await using var cp = await StartAsync();
        var (_, agent) = await cp.RegisterAgentAsync();
        await cp.Gateway(agent.AgentKey).RenewLeaseAsync(new RenewLeaseRequest
        {
            HolderIdentity = "h",
            Acquire = true,
            Version = "0.2.0",
            Capabilities = { new Capability { Scanner = "nmap", Version = "7.93" } },
        });
        var view = await GetAgentAsync(cp, agent.AgentId);
        Assert.Equal("0.2.0", view.Version);
        Assert.Equal("nmap", Assert.Single(view.Capabilities).Scanner);
    }

    private static async Task<Agent> GetAgentAsync(TestControlPlane cp, string id) =>
        await cp.Agents().GetAgentAsync(new GetAgentRequest { Id = id });
}
