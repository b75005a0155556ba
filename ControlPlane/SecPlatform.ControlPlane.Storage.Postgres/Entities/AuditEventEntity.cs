namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class AuditEventEntity
{
    public long Sequence { get; set; }
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
}
