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
        var asset = Sample();
        asset.ComponentCount = 2;
        return request.Id == AssetId
            ? Task.FromResult(asset)
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

    public override Task<ListAssetComponentsResponse> ListAssetComponents(ListAssetComponentsRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.AssetId != AssetId)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"asset '{request.AssetId}' not found"));
        }

        return Task.FromResult(new ListAssetComponentsResponse
        {
            Items =
            {
                new AssetComponent { Id = "cmp000000001", AssetId = AssetId, Name = "left-pad", Version = "1.3.0", Purl = "pkg:npm/left-pad@1.3.0", Type = "library", FirstSeen = FakeData.NowTimestamp, LastSeen = FakeData.NowTimestamp },
                new AssetComponent { Id = "cmp000000002", AssetId = AssetId, Name = "ms", Version = "2.1.3", Purl = "pkg:npm/ms@2.1.3", Type = "library", FirstSeen = FakeData.NowTimestamp, LastSeen = FakeData.NowTimestamp },
            },
            NextPageToken = "next-1",
        });
    }
}
