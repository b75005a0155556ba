using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;
using AgentAction = SecPlatform.ControlPlane.Core.Storage.AgentAction;

namespace SecPlatform.ControlPlane.Api;

internal sealed class AgentApi(AdminAuthenticator auth, AgentManager agents) : AgentService.AgentServiceBase
{
    public override async Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await agents.ListAsync(caller, request.Tenant, page, context.CancellationToken);
        var response = new ListAgentsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, a => new(a.Agent.RegisteredAt, a.Agent.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Agent> GetAgent(GetAgentRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await agents.GetAsync(caller, request.Id, context.CancellationToken));
    }

    public override Task<Agent> CordonAgent(AgentActionRequest request, ServerCallContext context) => ApplyAsync(request, AgentAction.Cordon, context);

    public override Task<Agent> UncordonAgent(AgentActionRequest request, ServerCallContext context) => ApplyAsync(request, AgentAction.Uncordon, context);

    public override Task<Agent> DrainAgent(AgentActionRequest request, ServerCallContext context) => ApplyAsync(request, AgentAction.Drain, context);

    public override Task<Agent> RevokeAgent(AgentActionRequest request, ServerCallContext context) => ApplyAsync(request, AgentAction.Revoke, context);

    public override async Task<ListRegistrationsResponse> ListRegistrations(ListRegistrationsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await agents.ListRegistrationsAsync(caller, page, context.CancellationToken);
        var response = new ListRegistrationsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, r => new(r.Time, r.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    private async Task<Agent> ApplyAsync(AgentActionRequest request, AgentAction action, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await agents.ApplyAsync(caller, request.Id, action, context.CancellationToken));
    }
}
