namespace SecPlatform.Agent.Outbox;

/// <summary>
/// How one attempt of a command ended, waiting in the outbox to be sent (after all of its batches) as
/// <c>CompleteCommand</c>. <see cref="LogTail"/> is scanner output: sent, never logged.
/// </summary>
/// <param name="Id">The outbox's key (0 before it is recorded); oldest first.</param>
/// <param name="ExitCode">The scanner's exit code, or -1 when it did not exit on its own (refused, killed, never started).</param>
/// <param name="FindingCount">The distinct findings the run recorded; the control plane applies the completion only once
/// that many are committed.</param>
/// <param name="ComponentCount">The distinct components the run recorded (SBOM scanners), checked the same way.</param>
public sealed record OutboxCompletion(
    long Id,
    string CommandId,
    long FencingToken,
    CompletionOutcome Outcome,
    bool Retryable,
    int ExitCode,
    string Summary,
    string Error,
    string LogTail,
    long FindingCount,
    long DurationMs,
    bool Truncated,
    DateTimeOffset RecordedAt,
    int DeliveryAttempts = 0,
    long ComponentCount = 0);
