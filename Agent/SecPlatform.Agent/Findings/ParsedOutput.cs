namespace SecPlatform.Agent.Findings;

/// <summary>
/// What a parser made of a scanner's output. <see cref="Problem"/> says why the status is not complete;
/// <see cref="ToolError"/> is set when the output itself says the scan did not work (nmap scanned no host,
/// bandit could not read the target), which fails the run even though the document parsed. <see cref="Components"/>
/// are what an SBOM scanner reported (null for the others).
/// </summary>
public sealed record ParsedOutput(
    ParseStatus Status,
    IReadOnlyList<NormalizedFinding> Findings,
    string? Problem = null,
    string? ToolError = null,
    IReadOnlyList<ScannedComponent>? Components = null)
{
    public static ParsedOutput Failed(string problem) => new(ParseStatus.Failed, [], problem);
}
