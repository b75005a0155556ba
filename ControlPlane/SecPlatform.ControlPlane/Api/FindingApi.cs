using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

internal sealed class FindingApi(AdminAuthenticator auth, Core.Services.FindingService findings) : Contracts.Admin.V1.FindingService.FindingServiceBase
{
    public override async Task<ListFindingsResponse> ListFindings(ListFindingsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await findings.ListAsync(caller, request.Tenant, request.CommandId, page, context.CancellationToken);
        var response = new ListFindingsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, f => new(f.FirstSeen, f.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Finding> GetFinding(GetFindingRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await findings.GetAsync(caller, request.Id, context.CancellationToken));
    }
}
