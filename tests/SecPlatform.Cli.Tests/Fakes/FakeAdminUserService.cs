using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>The caller is the super admin <see cref="FakeControlPlane.AdminId"/>; another admin "otheradmin01" exists.</summary>
public sealed class FakeAdminUserService(FakeState state) : AdminUserService.AdminUserServiceBase
{
    private static AdminUser Caller => new()
    {
        Id = FakeControlPlane.AdminId,
        Name = "admin",
        Role = AdminRole.SuperAdmin,
        CreatedAt = FakeData.NowTimestamp,
    };

    public override Task<CreateAdminUserResponse> CreateAdminUser(CreateAdminUserRequest request, ServerCallContext context)
    {
        state.Record(request);
        var admin = new AdminUser
        {
            Id = "newadmin0001",
            Name = request.Name,
            Role = request.Role,
            TenantId = string.IsNullOrEmpty(request.Tenant) ? string.Empty : "tn-" + request.Tenant,
            CreatedAt = FakeData.NowTimestamp,
        };
        return Task.FromResult(new CreateAdminUserResponse { Admin = admin, ApiKey = $"spadm_newadmin0001_{new string('D', 43)}" });
    }

    public override Task<RotateAdminKeyResponse> RotateAdminKey(RotateAdminKeyRequest request, ServerCallContext context)
    {
        state.Record(request);
        var admin = Caller;
        if (!string.IsNullOrEmpty(request.AdminId))
        {
            admin.Id = request.AdminId;
            admin.Name = "other";
        }

        admin.KeyRotatedAt = FakeData.NowTimestamp;
        return Task.FromResult(new RotateAdminKeyResponse { Admin = admin, ApiKey = FakeData.RotatedKey });
    }

    public override Task<AdminUser> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(Caller);
    }
}
