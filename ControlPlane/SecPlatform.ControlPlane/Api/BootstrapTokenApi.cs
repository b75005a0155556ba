using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Hosting;

namespace SecPlatform.ControlPlane.Api;

internal sealed class BootstrapTokenApi(AdminAuthenticator auth, BootstrapTokenManager tokens, PublicEndpoint self) : BootstrapTokenService.BootstrapTokenServiceBase
{
    public override async Task<CreateBootstrapTokenResponse> CreateBootstrapToken(CreateBootstrapTokenRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        if (request.TtlSeconds < 0)
        {
            throw new DomainException(ErrorKind.InvalidArgument, "ttl_seconds must not be negative");
        }

        var (token, secret) = await tokens.CreateAsync(caller, new BootstrapTokenManager.CreateRequest(
            request.Tenant,
            request.Platform,
            request.TtlSeconds == 0 ? null : TimeSpan.FromSeconds(Math.Min(request.TtlSeconds, (long)TimeSpan.MaxValue.TotalSeconds / 2)),
            request.MaxUses == 0 ? null : request.MaxUses,
            request.Labels,
            request.Cidrs), context.CancellationToken);
        return new CreateBootstrapTokenResponse
        {
            Token = ProtoMapper.ToProto(token),
            Secret = secret.Value,
            ServerPin = self.Pin ?? string.Empty,
            ServerUrl = self.Url,
        };
    }

    public override async Task<ListBootstrapTokensResponse> ListBootstrapTokens(ListBootstrapTokensRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await tokens.ListAsync(caller, request.Tenant, page, context.CancellationToken);
        var response = new ListBootstrapTokensResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, t => new(t.CreatedAt, t.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<BootstrapToken> RevokeBootstrapToken(RevokeBootstrapTokenRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await tokens.RevokeAsync(caller, request.Id, context.CancellationToken));
    }
}
