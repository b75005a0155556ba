using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Knows one tenant, "acme" (id tn-acme); creating "forbidden" is refused.</summary>
public sealed class FakeTenantService(FakeState state) : TenantService.TenantServiceBase
{
    public static readonly Tenant Acme = new() { Id = "tn-acme", Name = "acme", CreatedAt = FakeData.NowTimestamp };

    public override Task<Tenant> CreateTenant(CreateTenantRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.Name == "forbidden")
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "a readonly admin cannot create tenants"));
        }

        return Task.FromResult(new Tenant { Id = $"tn-{request.Name}", Name = request.Name, CreatedAt = FakeData.NowTimestamp });
    }

    public override Task<Tenant> GetTenant(GetTenantRequest request, ServerCallContext context)
    {
        state.Record(request);
        return request.Tenant is "acme" or "tn-acme"
            ? Task.FromResult(Acme)
            : throw new RpcException(new Status(StatusCode.NotFound, $"tenant '{request.Tenant}' not found"));
    }

    public override Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListTenantsResponse
        {
            Items = { Acme, new Tenant { Id = "tn-beta", Name = "beta", CreatedAt = FakeData.NowTimestamp } },
            NextPageToken = string.IsNullOrEmpty(request.PageToken) ? "page-2" : string.Empty,
        });
    }
}
