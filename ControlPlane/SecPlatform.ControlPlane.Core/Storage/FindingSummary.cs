using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>How many findings a query matches, per (severity, status) pair that has any; the totals follow from these.</summary>
public sealed record FindingSummary(IReadOnlyList<FindingCount> Counts)
{
    public long Total => Counts.Sum(c => c.Count);

    public long CountOf(Severity severity) => Counts.Where(c => c.Severity == severity).Sum(c => c.Count);

    public long CountOf(string status) => Counts.Where(c => c.Status == status).Sum(c => c.Count);
}
