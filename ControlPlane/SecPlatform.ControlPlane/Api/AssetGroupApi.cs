using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.ControlPlane.Api;

internal sealed class AssetGroupApi(Core.Services.AdminAuthenticator auth, Core.Services.AssetGroupService groups)
    : Contracts.Admin.V1.AssetGroupService.AssetGroupServiceBase
{
    public override async Task<AssetGroup> CreateAssetGroup(CreateAssetGroupRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await groups.CreateAsync(caller, request.Tenant, request.Name, request.Description, request.Selector,
            context.CancellationToken));
    }

    public override async Task<ListAssetGroupsResponse> ListAssetGroups(ListAssetGroupsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await groups.ListAsync(caller, request.Tenant, page, context.CancellationToken);
        var response = new ListAssetGroupsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, g => new(g.CreatedAt, g.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<AssetGroup> GetAssetGroup(AssetGroupRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await groups.ResolveAsync(caller, request.Tenant, request.Group, context.CancellationToken));
    }

    public override async Task<DeleteAssetGroupResponse> DeleteAssetGroup(AssetGroupRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        await groups.DeleteAsync(caller, request.Tenant, request.Group, context.CancellationToken);
        return new DeleteAssetGroupResponse();
    }

    public override async Task<AssetGroup> AddAssetGroupMember(AssetGroupMemberRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await groups.ChangeMemberAsync(caller, request.Tenant, request.Group, request.AssetId, add: true,
            context.CancellationToken));
    }

    public override async Task<AssetGroup> RemoveAssetGroupMember(AssetGroupMemberRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await groups.ChangeMemberAsync(caller, request.Tenant, request.Group, request.AssetId, add: false,
            context.CancellationToken));
    }

    public override async Task<ListAssetsResponse> ListAssetGroupMembers(ListAssetGroupMembersRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await groups.MembersAsync(caller, request.Tenant, request.Group, page, context.CancellationToken);
        var response = new ListAssetsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, a => new(a.FirstSeen, a.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }
}
