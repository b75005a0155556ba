using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

internal sealed class CommandApi(AdminAuthenticator auth, CommandQueueService queue) : CommandService.CommandServiceBase
{
    public override async Task<Command> EnqueueCommand(EnqueueCommandRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var command = await queue.EnqueueAsync(caller, new EnqueueRequest(
            request.Tenant, request.Scanner, request.Parameters, request.AgentId, request.Labels, request.RequiredCapabilities,
            request.Priority, request.MaxAttempts, request.TimeoutSeconds, request.NotBefore?.ToDateTimeOffset(), request.ExpiresInSeconds,
            request.IdempotencyKey, string.IsNullOrEmpty(request.Profile) ? null : request.Profile), context.CancellationToken);
        return ProtoMapper.ToProto(command);
    }

    public override async Task<Command> GetCommand(GetCommandRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await queue.GetAsync(caller, request.Id, context.CancellationToken));
    }

    public override async Task<ListCommandsResponse> ListCommands(ListCommandsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await queue.ListAsync(caller, request.Tenant, request.Status, request.AgentId, page, context.CancellationToken);
        var response = new ListCommandsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, c => new(c.CreatedAt, c.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Command> CancelCommand(CancelCommandRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await queue.CancelAsync(caller, request.Id, context.CancellationToken));
    }
}
