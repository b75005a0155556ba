namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// One change of a finding's status, kept for good. <see cref="Actor"/> is an admin id or
/// <see cref="FindingStatus.SystemActor"/>; <see cref="CommandId"/> is the run that caused a system change.
/// </summary>
public sealed record FindingStatusChange(
    string FindingId,
    string TenantId,
    string From,
    string To,
    string Reason,
    string Actor,
    string? CommandId,
    DateTimeOffset ChangedAt);
