using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>One audit row; its id is the chain sequence, so the primary index orders the chain.</summary>
internal sealed class AuditEventDocument
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string ActorId { get; set; } = "";
    public string Action { get; set; } = "";
    public string ResourceType { get; set; } = "";
    public string ResourceId { get; set; } = "";
    public string? TenantId { get; set; }
    public string Outcome { get; set; } = "";
    public string PeerAddress { get; set; } = "";
    public string Detail { get; set; } = "";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";

    public static AuditEventDocument From(AuditEvent e) => new()
    {
        Id = e.Sequence,
        Time = e.Time,
        ActorId = e.ActorId,
        Action = e.Action,
        ResourceType = e.ResourceType,
        ResourceId = e.ResourceId,
        TenantId = e.TenantId,
        Outcome = e.Outcome,
        PeerAddress = e.PeerAddress,
        Detail = e.Detail,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };

    public AuditEvent ToDomain() => new()
    {
        Sequence = Id,
        Time = Time,
        ActorId = ActorId,
        Action = Action,
        ResourceType = ResourceType,
        ResourceId = ResourceId,
        TenantId = TenantId,
        Outcome = Outcome,
        PeerAddress = PeerAddress,
        Detail = Detail,
        PreviousHash = PreviousHash,
        Hash = Hash,
    };
}
