using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

public abstract class AuditApiTests : ControlPlaneApiTests
{
    [Fact]
    public async Task AdminMutations_RecordedInVerifiableChain()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync("audited");
        await cp.Agents().CordonAgentAsync(new AgentActionRequest { Id = agent.AgentId });

        var events = (await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 100 })).Items;
        Assert.Equal(["admin.create", "tenant.create", "token.create", "agent.cordon"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("succeeded", e.Outcome));
        Assert.Equal(agent.AgentId, events[^1].ResourceId);
        Assert.Equal(tenant.Id, events[^1].TenantId);
        Assert.Equal("127.0.0.1", events[^1].PeerAddress);

        var verified = await cp.Audit().VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.True(verified.Ok, verified.Problem);
        Assert.Equal(4, verified.Count);
        Assert.Equal(events[^1].Hash, verified.HeadHash);

        // A head published earlier that the chain no longer reaches: detected.
        var wrongHead = await cp.Audit().VerifyAuditChainAsync(new VerifyAuditChainRequest { ExpectedCount = 4, ExpectedHeadHash = new string('a', 64) });
        Assert.False(wrongHead.Ok);
        Assert.Equal(4, wrongHead.FirstBrokenSequence);
    }

    [Fact]
    public async Task ListAuditEvents_Paginates()
    {
        await using var cp = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await cp.CreateTenantAsync($"tenant-{i}");
        }

        var first = await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 4 });
        var second = await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 4, PageToken = first.NextPageToken });
        Assert.Equal([1L, 2, 3, 4], first.Items.Select(e => e.Sequence));
        Assert.Equal([5L, 6], second.Items.Select(e => e.Sequence));
        Assert.Equal("", second.NextPageToken);
    }
}
