namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>An admin's status change of one finding. <see cref="TenantId"/> null: any tenant (a platform admin).</summary>
public sealed record FindingStatusUpdate(
    string FindingId,
    string? TenantId,
    string Status,
    string Reason,
    string Actor,
    DateTimeOffset Now);
