namespace SecPlatform.Agent.Findings;

/// <summary>
/// One finding in the platform's shape, whatever tool reported it. <see cref="Evidence"/> is at most
/// <see cref="FindingLimits.MaxEvidenceChars"/> characters with anything that looks like a secret masked; still, it is
/// finding data: never log it (<see cref="ToString"/> leaves it and the message out).
/// </summary>
/// <param name="Host">The host the asset belongs to: the agent's host for file findings, the scanned host (as requested) for network findings.</param>
/// <param name="Fingerprint">SHA-256 hex; see <see cref="FindingFingerprint"/> for the recipe.</param>
public sealed record NormalizedFinding(
    string Scanner,
    string RuleId,
    string Title,
    Severity Severity,
    FindingAsset Asset,
    string Host,
    FindingLocation Location,
    string Message,
    IReadOnlyList<string> Cves,
    IReadOnlyList<string> Cwes,
    string? Evidence,
    string Fingerprint)
{
    public override string ToString() =>
        $"{Scanner} {RuleId} {Severity} {Asset.Kind}:{Asset.Value} line {Location.Line?.ToString() ?? "-"} port {Location.Port?.ToString() ?? "-"} [{Fingerprint}]";
}
