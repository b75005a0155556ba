using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Knows one agent, "ag1", online and cordoned.</summary>
public sealed class FakeAgentService(FakeState state) : AgentService.AgentServiceBase
{
    public static Agent Agent1 => new()
    {
        Id = "ag1",
        Name = "web-1",
        TenantId = "tn-acme",
        Version = "0.1.0",
        Health = AgentHealth.Online,
        Cordoned = true,
        Labels = { ["env"] = "prod" },
        Capabilities = { new AgentCapability { Scanner = "shellcheck", Version = "0.9.0" } },
        Lease = new AgentLease { HolderIdentity = "web-1:42:nonce", LeaseDurationSeconds = 40, RenewTime = FakeData.NowTimestamp },
        RegisteredAt = FakeData.NowTimestamp,
    };

    public override Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListAgentsResponse { Items = { Agent1 } });
    }

    public override Task<Agent> GetAgent(GetAgentRequest request, ServerCallContext context)
    {
        state.Record(request);
        return request.Id == "ag1"
            ? Task.FromResult(Agent1)
            : throw new RpcException(new Status(StatusCode.NotFound, $"agent '{request.Id}' not found"));
    }

    public override Task<Agent> DrainAgent(AgentActionRequest request, ServerCallContext context)
    {
        state.Record(request);
        var agent = Agent1;
        agent.Draining = true;
        return Task.FromResult(agent);
    }
}
