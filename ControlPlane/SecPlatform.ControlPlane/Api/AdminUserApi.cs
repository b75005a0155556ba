using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

internal sealed class AdminUserApi(AdminAuthenticator auth, AdminUserManager admins) : AdminUserService.AdminUserServiceBase
{
    public override async Task<CreateAdminUserResponse> CreateAdminUser(CreateAdminUserRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var (admin, key) = await admins.CreateAsync(caller, request.Name, ProtoMapper.FromProto(request.Role), request.Tenant, context.CancellationToken);
        return new CreateAdminUserResponse { Admin = ProtoMapper.ToProto(admin), ApiKey = key.Value };
    }

    public override async Task<ListAdminUsersResponse> ListAdminUsers(ListAdminUsersRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await admins.ListAsync(caller, page, context.CancellationToken);
        var response = new ListAdminUsersResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, a => new(a.CreatedAt, a.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<RotateAdminKeyResponse> RotateAdminKey(RotateAdminKeyRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var (admin, key) = await admins.RotateKeyAsync(caller, request.AdminId, context.CancellationToken);
        return new RotateAdminKeyResponse { Admin = ProtoMapper.ToProto(admin), ApiKey = key.Value };
    }

    public override async Task<AdminUser> RevokeAdminUser(RevokeAdminUserRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await admins.RevokeAsync(caller, request.AdminId, context.CancellationToken));
    }

    public override async Task<AdminUser> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await admins.GetSelfAsync(caller, context.CancellationToken));
    }
}
