namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// The words of a finding's lifecycle, as stored and shown. The server moves findings between <see cref="Open"/>,
/// <see cref="Resolved"/> and <see cref="Reopened"/>; an admin's triage (<see cref="FalsePositive"/>,
/// <see cref="AcceptedRisk"/>) stays put until an admin sets the finding open again.
/// </summary>
public static class FindingStatus
{
    public const string Open = "open";
    public const string Resolved = "resolved";
    public const string Reopened = "reopened";
    public const string FalsePositive = "false_positive";
    public const string AcceptedRisk = "accepted_risk";

    /// <summary>The actor of the server's own changes (seen again after resolution, resolved by a clean scan).</summary>
    public const string SystemActor = "system";

    public static IReadOnlyList<string> All { get; } = [Open, Resolved, Reopened, FalsePositive, AcceptedRisk];

    /// <summary>What an admin may set: a triage decision, or back to open.</summary>
    public static IReadOnlyList<string> AdminSettable { get; } = [Open, FalsePositive, AcceptedRisk];

    /// <summary>What a complete, successful scan of the scope resolves when it no longer reports it.</summary>
    public static IReadOnlyList<string> Resolvable { get; } = [Open, Reopened];

    public static bool IsValid(string? status) => status is not null && All.Contains(status);
}
