using SecPlatform.Agent.Findings;

namespace SecPlatform.Agent.Scanners;

/// <summary>
/// The result of one scan request, whatever happened. <see cref="IsComplete"/> is the only state in which the
/// control plane may resolve findings this run no longer reports; a truncated or partly parsed run still carries the
/// findings it has. <see cref="LogTail"/> (the last 16 KiB of the scanner's output, secrets masked) goes with the
/// completion, but is scanner output: never log it.
/// </summary>
/// <param name="ExitCode">The scanner's exit code when it exited by itself; null when it was refused, not started, or killed.</param>
/// <param name="Truncated">Output went past a cap, or the plan covered only part of the target.</param>
/// <param name="FailureReason">Why it did not succeed (one line, no secrets); null on success.</param>
/// <param name="Retryable">Whether running the same command again may succeed (timeouts, cancellations, crashes);
/// false for refusals, usage errors and output that will not fit next time either.</param>
/// <param name="Warnings">Why a successful run is not complete (partial parse, truncation), or other notes.</param>
public sealed record ScanRun(
    string CommandId,
    string ScannerId,
    ScanOutcome Outcome,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? ExitCode,
    bool Truncated,
    ParseStatus ParseStatus,
    IReadOnlyList<NormalizedFinding> Findings,
    string LogTail,
    string? FailureReason,
    bool Retryable,
    IReadOnlyList<string> Warnings,
    ScanScope? Scope)
{
    /// <summary>Software components an SBOM scanner (cdxgen) found; empty for the other scanners.</summary>
    public IReadOnlyList<ScannedComponent> Components { get; init; } = [];

    public bool IsComplete => Outcome == ScanOutcome.Succeeded && !Truncated && ParseStatus == ParseStatus.Complete;

    public override string ToString() =>
        $"{CommandId} {ScannerId} {Outcome} exit {ExitCode?.ToString() ?? "-"} findings {Findings.Count} parse {ParseStatus}{(Truncated ? " truncated" : "")} in {Duration.TotalSeconds:0.###} s";
}
