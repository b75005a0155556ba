using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>One status change of a finding; the id grows with every insert, so a finding's changes list in order.</summary>
internal sealed class FindingStatusChangeDocument
{
    public long Id { get; set; }
    public string FindingId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Actor { get; set; } = "";
    public string? CommandId { get; set; }
    public DateTimeOffset ChangedAt { get; set; }

    public static FindingStatusChangeDocument Of(FindingDocument finding, string from, string reason, string actor, string? commandId,
        DateTimeOffset now) => new()
    {
        FindingId = finding.Id,
        TenantId = finding.TenantId,
        From = from,
        To = finding.Status,
        Reason = reason,
        Actor = actor,
        CommandId = commandId,
        ChangedAt = now,
    };

    public FindingStatusChange ToDomain() => new(FindingId, TenantId, From, To, Reason, Actor, CommandId, ChangedAt);
}
