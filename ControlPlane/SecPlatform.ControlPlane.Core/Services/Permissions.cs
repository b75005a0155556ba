using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// The role rules, in one place. super_admin: everything; ops_admin: tokens and agents, no tenants or
/// admins; readonly: reads only. A tenant-bound admin acts only inside its tenant, and another tenant's
/// resources look to it exactly like resources that do not exist.
/// </summary>
public static class Permissions
{
    public static void RequireWrite(AdminPrincipal caller, string what)
    {
        if (!caller.CanWrite)
        {
            throw DomainException.Denied($"a readonly admin cannot {what}");
        }
    }

    public static void RequireSuperAdmin(AdminPrincipal caller, string what)
    {
        if (caller.Role != AdminRole.SuperAdmin)
        {
            throw DomainException.Denied($"only a super_admin can {what}");
        }
    }

    public static void RequirePlatformAdmin(AdminPrincipal caller, string what)
    {
        if (caller.IsTenantBound)
        {
            throw DomainException.Denied($"only an admin not bound to a tenant can {what}");
        }
    }

    /// <summary>NotFound (not PermissionDenied) when the caller may not see the tenant: no oracle for other tenants' ids.</summary>
    public static void RequireVisible(AdminPrincipal caller, string? tenantId, string what, string id)
    {
        if (!caller.CanSee(tenantId))
        {
            throw DomainException.NotFound(what, id);
        }
    }
}
