using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

internal sealed class TenantApi(AdminAuthenticator auth, TenantManager tenants) : TenantService.TenantServiceBase
{
    public override async Task<Tenant> CreateTenant(CreateTenantRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await tenants.CreateAsync(caller, request.Name, context.CancellationToken));
    }

    public override async Task<Tenant> GetTenant(GetTenantRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await tenants.ResolveAsync(caller, request.Tenant, context.CancellationToken));
    }

    public override async Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await tenants.ListAsync(caller, page, context.CancellationToken);
        var response = new ListTenantsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, t => new(t.CreatedAt, t.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }
}
