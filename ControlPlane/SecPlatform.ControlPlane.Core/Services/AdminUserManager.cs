using Microsoft.Extensions.Logging;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

public sealed class AdminUserManager(
    IControlPlaneStore store,
    AdminAuthenticator authenticator,
    TenantManager tenants,
    AuditLog audit,
    TimeProvider time,
    ILogger<AdminUserManager> logger)
{
    /// <summary>Creates an admin and returns it with its key (shown once; only the bcrypt hash is kept).</summary>
    public async Task<(AdminUser Admin, SecretToken Key)> CreateAsync(AdminPrincipal caller, string? name, AdminRole role, string? tenant,
        CancellationToken cancellationToken)
    {
        Permissions.RequireSuperAdmin(caller, "create admins");
        if (!Enum.IsDefined(role))
        {
            throw DomainException.Invalid("role must be one of super_admin, ops_admin, readonly");
        }

        var validName = Validate.Text("name", name, 100, required: true);
        string? tenantId = null;
        if (!string.IsNullOrEmpty(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }
        else if (caller.IsTenantBound)
        {
            // A tenant-bound super admin creates admins of its own tenant only.
            tenantId = caller.TenantId;
        }

        var key = SecretToken.Create(SecretKind.AdminKey);
        var admin = new AdminUser
        {
            Id = key.Id,
            Name = validName,
            Role = role,
            TenantId = tenantId,
            KeyHash = authenticator.HashKey(key.Secret),
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateAdminAsync(admin, cancellationToken);
        await audit.RecordAsync(caller, "admin.create", "admin", admin.Id, tenantId, AuditLog.Succeeded, $"role={role}", cancellationToken);
        return (admin, key);
    }

    public Task<IReadOnlyList<AdminUser>> ListAsync(AdminPrincipal caller, PageRequest page, CancellationToken cancellationToken)
    {
        Permissions.RequireSuperAdmin(caller, "list admins");
        return store.ListAdminsAsync(caller.TenantId, page, cancellationToken);
    }

    public async Task<AdminUser> GetSelfAsync(AdminPrincipal caller, CancellationToken cancellationToken) =>
        await store.GetAdminAsync(caller.AdminId, cancellationToken) ?? throw DomainException.NotFound("admin", caller.AdminId);

    /// <summary>A new key for an admin (the caller when <paramref name="adminId"/> is empty); the old key stops working at once.</summary>
    public async Task<(AdminUser Admin, SecretToken Key)> RotateKeyAsync(AdminPrincipal caller, string? adminId, CancellationToken cancellationToken)
    {
        var targetId = string.IsNullOrEmpty(adminId) ? caller.AdminId : Validate.Id("admin_id", adminId);
        if (targetId != caller.AdminId)
        {
            Permissions.RequireSuperAdmin(caller, "rotate another admin's key");
        }

        var target = await GetVisibleAsync(caller, targetId, cancellationToken);
        var key = SecretToken.Create(SecretKind.AdminKey, target.Id);
        var updated = await store.UpdateAdminKeyAsync(target.Id, authenticator.HashKey(key.Secret), time.GetUtcNow(), cancellationToken)
            ?? throw DomainException.NotFound("admin", targetId);
        authenticator.Forget(target.Id);
        await audit.RecordAsync(caller, "admin.rotate_key", "admin", target.Id, target.TenantId, AuditLog.Succeeded, "", cancellationToken);
        return (updated, key);
    }

    public async Task<AdminUser> RevokeAsync(AdminPrincipal caller, string? adminId, CancellationToken cancellationToken)
    {
        Permissions.RequireSuperAdmin(caller, "revoke admins");
        var target = await GetVisibleAsync(caller, Validate.Id("admin_id", adminId), cancellationToken);
        if (target.Id == caller.AdminId)
        {
            throw new DomainException(ErrorKind.FailedPrecondition, "an admin cannot revoke itself; ask another super_admin");
        }

        var revoked = await store.RevokeAdminAsync(target.Id, time.GetUtcNow(), cancellationToken) ?? throw DomainException.NotFound("admin", target.Id);
        authenticator.Forget(target.Id);
        await audit.RecordAsync(caller, "admin.revoke", "admin", target.Id, target.TenantId, AuditLog.Succeeded, "", cancellationToken);
        return revoked;
    }

    /// <summary>
    /// On first start with an empty store: creates a super admin and returns its key, which the caller
    /// prints once and writes to the data directory. Null when admins exist already.
    /// </summary>
    public async Task<SecretToken?> EnsureInitialAdminAsync(CancellationToken cancellationToken)
    {
        if (await store.AnyAdminAsync(cancellationToken))
        {
            return null;
        }

        var key = SecretToken.Create(SecretKind.AdminKey);
        var admin = new AdminUser
        {
            Id = key.Id,
            Name = "initial-admin",
            Role = AdminRole.SuperAdmin,
            KeyHash = authenticator.HashKey(key.Secret),
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateAdminAsync(admin, cancellationToken);
        await audit.RecordAsync(AdminPrincipal.System, "admin.create", "admin", admin.Id, null, AuditLog.Succeeded, "initial super admin", cancellationToken);
        logger.LogInformation("Created the initial super admin {AdminId}", admin.Id);
        return key;
    }

    private async Task<AdminUser> GetVisibleAsync(AdminPrincipal caller, string id, CancellationToken cancellationToken)
    {
        var admin = await store.GetAdminAsync(id, cancellationToken);
        if (admin is null || (caller.IsTenantBound && admin.TenantId != caller.TenantId))
        {
            throw DomainException.NotFound("admin", id);
        }

        return admin;
    }
}
