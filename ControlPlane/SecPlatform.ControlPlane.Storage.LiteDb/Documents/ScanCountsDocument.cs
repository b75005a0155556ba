using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>The counts of a command's latest counted attempt; the id is the command id.</summary>
internal sealed class ScanCountsDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public int Attempt { get; set; }
    public int New { get; set; }
    public int SeenAgain { get; set; }
    public int Resolved { get; set; }
    public int Info { get; set; }
    public int Low { get; set; }
    public int Medium { get; set; }
    public int High { get; set; }
    public int Critical { get; set; }
    public int Components { get; set; }

    /// <summary>This attempt's counts: a later attempt starts again from zero.</summary>
    public static ScanCountsDocument ForAttempt(ScanCountsDocument? existing, string commandId, string tenantId, int attempt) =>
        existing is not null && existing.Attempt == attempt
            ? existing
            : new ScanCountsDocument { Id = commandId, TenantId = tenantId, Attempt = attempt };

    public void AddFinding(bool isNew, Severity severity)
    {
        if (isNew)
        {
            New++;
        }
        else
        {
            SeenAgain++;
        }

        switch (severity)
        {
            case Severity.Info: Info++; break;
            case Severity.Low: Low++; break;
            case Severity.Medium: Medium++; break;
            case Severity.High: High++; break;
            default: Critical++; break;
        }
    }

    public ScanCounts ToDomain() => new(Attempt, New, SeenAgain, Resolved, Info, Low, Medium, High, Critical, Components);
}
