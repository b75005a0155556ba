using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Knows one asset, "ast000000001", a path on web-1; any other id is not found.</summary>
public sealed class FakeAssetService(FakeState state) : AssetService.AssetServiceBase
{
    public const string AssetId = "ast000000001";

    public static Asset Sample() => new()
    {
        Id = AssetId,
        TenantId = "tn-acme",
        Kind = "path",
        Value = "web-1:/srv/app/run.sh",
        Host = "web-1",
        FirstSeen = FakeData.NowTimestamp,
        LastSeen = FakeData.NowTimestamp,
    };

    public override Task<ListAssetsResponse> ListAssets(ListAssetsRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListAssetsResponse { Items = { Sample() } });
    }

    public override Task<Asset> GetAsset(GetAssetRequest request, ServerCallContext context)
    {
        state.Record(request);
        return request.Id == AssetId
            ? Task.FromResult(Sample())
            : throw new RpcException(new Status(StatusCode.NotFound, $"asset '{request.Id}' not found"));
    }

    public override Task<Asset> SetAssetLabels(SetAssetLabelsRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.Id != AssetId)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"asset '{request.Id}' not found"));
        }

        var asset = Sample();
        asset.Labels.Add(request.Labels);
        return Task.FromResult(asset);
    }
}
