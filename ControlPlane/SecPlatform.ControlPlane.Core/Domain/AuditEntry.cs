namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>An audit event before the store has chained it (sequence and hashes are assigned on append).</summary>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string ActorId,
    string Action,
    string ResourceType,
    string ResourceId,
    string? TenantId,
    string Outcome,
    string PeerAddress,
    string Detail);
