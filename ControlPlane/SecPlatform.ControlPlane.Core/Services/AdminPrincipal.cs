using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The authenticated admin behind a call, and where the call came from.</summary>
public sealed record AdminPrincipal(string AdminId, AdminRole Role, string? TenantId, string PeerAddress)
{
    public bool IsTenantBound => TenantId is not null;

    /// <summary>May this admin see data of <paramref name="tenantId"/> (null: platform-wide data)?</summary>
    public bool CanSee(string? tenantId) => TenantId is null || TenantId == tenantId;

    public bool CanWrite => Role is AdminRole.SuperAdmin or AdminRole.OpsAdmin;

    /// <summary>The system itself (first-start set-up), for audit records.</summary>
    public static AdminPrincipal System { get; } = new("system", AdminRole.SuperAdmin, null, "");
}
