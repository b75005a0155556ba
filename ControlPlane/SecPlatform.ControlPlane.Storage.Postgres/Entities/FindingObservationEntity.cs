namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>
/// One fingerprint delivered by one attempt of a command: the key (command_id, attempt, fingerprint) makes a resend
/// of the same finding, in whatever batch, change nothing.
/// </summary>
internal sealed class FindingObservationEntity
{
    public string TenantId { get; set; } = "";
    public string CommandId { get; set; } = "";
    public int Attempt { get; set; }
    public string Fingerprint { get; set; } = "";
    public string FindingId { get; set; } = "";
    public DateTimeOffset ObservedAt { get; set; }
}
