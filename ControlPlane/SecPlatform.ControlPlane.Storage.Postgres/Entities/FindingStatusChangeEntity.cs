namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>One status change of a finding; the identity id orders a finding's changes.</summary>
internal sealed class FindingStatusChangeEntity
{
    public long Id { get; set; }
    public string FindingId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string FromStatus { get; set; } = "";
    public string ToStatus { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Actor { get; set; } = "";
    public string? CommandId { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}
