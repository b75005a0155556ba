namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// What one attempt of a scan found, kept by the findings ingest (new to the tenant, or seen again; by severity) and
/// by the resolution of a complete run (resolved), in their own transactions. Counts are per accepted attempt: a
/// retry starts from zero, and the findings its earlier attempt created count as seen again.
/// </summary>
/// <see cref="Components"/>: the distinct software components the attempt delivered (SBOM scanners).
public sealed record ScanCounts(int Attempt, int New, int SeenAgain, int Resolved, int Info, int Low, int Medium, int High, int Critical,
    int Components = 0)
{
    public static ScanCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public int Total => Info + Low + Medium + High + Critical;
}
