using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

internal sealed class AssetApi(AdminAuthenticator auth, Core.Services.AssetService assets, ComponentService components)
    : Contracts.Admin.V1.AssetService.AssetServiceBase
{
    public override async Task<ListAssetsResponse> ListAssets(ListAssetsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var labels = ProtoMapper.Pairs(request.Labels, "labels");
        var items = await assets.ListAsync(caller, request.Tenant, request.Kind, labels, page, context.CancellationToken);
        var response = new ListAssetsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, a => new(a.FirstSeen, a.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Asset> GetAsset(GetAssetRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var asset = await assets.GetAsync(caller, request.Id, context.CancellationToken);
        var proto = ProtoMapper.ToProto(asset);
        proto.ComponentCount = await components.CountAsync(asset, context.CancellationToken);
        return proto;
    }

    public override async Task<ListAssetComponentsResponse> ListAssetComponents(ListAssetComponentsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await components.ListAsync(caller, request.AssetId, page, context.CancellationToken);
        var response = new ListAssetComponentsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, c => new(c.FirstSeen, c.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Asset> SetAssetLabels(SetAssetLabelsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await assets.SetLabelsAsync(caller, request.Id, request.Labels, request.Remove, context.CancellationToken));
    }
}
