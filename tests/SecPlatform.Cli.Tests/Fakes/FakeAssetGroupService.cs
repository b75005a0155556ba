using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Knows a static group "servers" and a label-based group "prod" (env=prod); adding to "prod" is refused as the server does.</summary>
public sealed class FakeAssetGroupService(FakeState state) : AssetGroupService.AssetGroupServiceBase
{
    public static AssetGroup Servers() => new() { Id = "grp000000001", TenantId = "tn-acme", Name = "servers", Kind = "static", CreatedAt = FakeData.NowTimestamp };

    public static AssetGroup Prod() =>
        new() { Id = "grp000000002", TenantId = "tn-acme", Name = "prod", Kind = "label", Selector = { ["env"] = "prod" }, CreatedAt = FakeData.NowTimestamp };

    public override Task<AssetGroup> CreateAssetGroup(CreateAssetGroupRequest request, ServerCallContext context)
    {
        state.Record(request);
        var group = new AssetGroup
        {
            Id = "grp000000009", TenantId = "tn-acme", Name = request.Name, Description = request.Description,
            Kind = request.Selector.Count == 0 ? "static" : "label", CreatedAt = FakeData.NowTimestamp,
        };
        group.Selector.Add(request.Selector);
        return Task.FromResult(group);
    }

    public override Task<ListAssetGroupsResponse> ListAssetGroups(ListAssetGroupsRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListAssetGroupsResponse { Items = { Servers(), Prod() } });
    }

    public override Task<AssetGroup> GetAssetGroup(AssetGroupRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(Find(request.Group));
    }

    public override Task<DeleteAssetGroupResponse> DeleteAssetGroup(AssetGroupRequest request, ServerCallContext context)
    {
        state.Record(request);
        Find(request.Group);
        return Task.FromResult(new DeleteAssetGroupResponse());
    }

    public override Task<AssetGroup> AddAssetGroupMember(AssetGroupMemberRequest request, ServerCallContext context)
    {
        state.Record(request);
        var group = Find(request.Group);
        return group.Kind == "label"
            ? throw new RpcException(new Status(StatusCode.FailedPrecondition, "asset group 'prod' is label-based (env=prod): label the asset instead"))
            : Task.FromResult(group);
    }

    public override Task<AssetGroup> RemoveAssetGroupMember(AssetGroupMemberRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(Find(request.Group));
    }

    public override Task<ListAssetsResponse> ListAssetGroupMembers(ListAssetGroupMembersRequest request, ServerCallContext context)
    {
        state.Record(request);
        Find(request.Group);
        return Task.FromResult(new ListAssetsResponse { Items = { FakeAssetService.Sample() } });
    }

    private static AssetGroup Find(string group) => group switch
    {
        "servers" or "grp000000001" => Servers(),
        "prod" or "grp000000002" => Prod(),
        _ => throw new RpcException(new Status(StatusCode.NotFound, $"asset group '{group}' not found")),
    };
}
