using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The sortable fields of one finding: the position a cursor resumes after. A cursor carries only the fields of its
/// sort; the others keep their defaults and are never compared.
/// </summary>
public sealed record FindingSortValues(
    DateTimeOffset FirstSeen = default,
    DateTimeOffset LastSeen = default,
    Severity Severity = default,
    long Occurrences = 0,
    string Status = "",
    string RuleId = "",
    string Scanner = "")
{
    public static FindingSortValues Of(Finding finding) => new(finding.FirstSeen, finding.LastSeen, finding.Observed.Severity,
        finding.Occurrences, finding.Status, finding.Observed.RuleId, finding.Observed.Scanner);
}
