using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Creates tokens as asked (tenant "acme" resolves to tn-acme) and lists one.</summary>
public sealed class FakeBootstrapTokenService(FakeState state) : BootstrapTokenService.BootstrapTokenServiceBase
{
    public override Task<CreateBootstrapTokenResponse> CreateBootstrapToken(CreateBootstrapTokenRequest request, ServerCallContext context)
    {
        state.Record(request);
        var ttl = request.TtlSeconds == 0 ? 3600 : request.TtlSeconds;
        var token = new BootstrapToken
        {
            Id = FakeData.TokenId,
            TenantId = request.Platform ? string.Empty : "tn-" + request.Tenant,
            Platform = request.Platform,
            CreatedAt = FakeData.NowTimestamp,
            ExpiresAt = Timestamp.FromDateTime(FakeData.Now.AddSeconds(ttl)),
            MaxUses = request.MaxUses == 0 ? 1 : request.MaxUses,
            Labels = { request.Labels },
            Cidrs = { request.Cidrs },
            CreatedBy = FakeControlPlane.AdminId,
        };
        return Task.FromResult(new CreateBootstrapTokenResponse
        {
            Token = token,
            Secret = FakeData.TokenSecret,
            ServerPin = state.ServerPin,
            ServerUrl = state.ServerUrl,
        });
    }

    public override Task<ListBootstrapTokensResponse> ListBootstrapTokens(ListBootstrapTokensRequest request, ServerCallContext context)
    {
        state.Record(request);
        var token = new BootstrapToken
        {
            Id = FakeData.TokenId,
            TenantId = "tn-acme",
            ExpiresAt = Timestamp.FromDateTime(FakeData.Now.AddHours(1)),
            MaxUses = 1,
        };
        return Task.FromResult(new ListBootstrapTokensResponse { Items = { token } });
    }
}
