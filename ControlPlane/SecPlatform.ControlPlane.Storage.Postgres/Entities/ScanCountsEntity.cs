namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>
/// The counts of a command's latest counted attempt (one row per command), written by the findings ingest and the
/// resolution of a complete run in their own statements: a later attempt's first write starts the counts again.
/// </summary>
internal sealed class ScanCountsEntity
{
    public string CommandId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public int Attempt { get; set; }
    public int NewFindings { get; set; }
    public int SeenAgain { get; set; }
    public int Resolved { get; set; }
    public int Info { get; set; }
    public int Low { get; set; }
    public int Medium { get; set; }
    public int High { get; set; }
    public int Critical { get; set; }
    /// <summary>Distinct components the attempt delivered (the completion checks it).</summary>
    public int Components { get; set; }
}
