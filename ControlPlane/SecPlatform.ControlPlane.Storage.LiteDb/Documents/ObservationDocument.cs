using System.Globalization;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// One fingerprint delivered by one attempt of a command: the record that makes ingest idempotent per
/// (command attempt, fingerprint). Its id is that triple, so a resend is found through the primary key.
/// <see cref="AttemptSort"/> (command, attempt, the finding's list order) makes one index range of an
/// attempt's findings in list order; the finding's sort key never changes, so neither does this.
/// </summary>
internal sealed class ObservationDocument
{
    public string Id { get; set; } = "";
    public string CommandId { get; set; } = "";
    public int Attempt { get; set; }
    public string Fingerprint { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string FindingId { get; set; } = "";
    public DateTimeOffset ObservedAt { get; set; }
    public string AttemptSort { get; set; } = "";

    /// <summary>The first key of the attempt's range, both in the id and in <see cref="AttemptSort"/>.</summary>
    public static string AttemptPrefix(string commandId, int attempt) =>
        // Fixed width, so attempt 2 sorts before attempt 10 and one attempt's range never holds another's.
        CompositeKey.Prefix(commandId, attempt.ToString("D10", CultureInfo.InvariantCulture));

    public static string IdOf(string commandId, int attempt, string fingerprint) => AttemptPrefix(commandId, attempt) + fingerprint;

    public static ObservationDocument From(string commandId, int attempt, FindingDocument finding, DateTimeOffset now) => new()
    {
        Id = IdOf(commandId, attempt, finding.Observed.Fingerprint),
        CommandId = commandId,
        Attempt = attempt,
        Fingerprint = finding.Observed.Fingerprint,
        TenantId = finding.TenantId,
        FindingId = finding.Id,
        ObservedAt = now,
        AttemptSort = AttemptPrefix(commandId, attempt) + finding.Sort,
    };
}
