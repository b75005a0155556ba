using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Scanners;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Commands;

/// <summary>
/// How an attempt is reported, from what the scanning engine answered and why (if at all) the agent stopped it:
/// <list type="bullet">
/// <item>a run that finished is reported as it ended, even when a stop came too late to matter;</item>
/// <item>stopped at the control plane's request: canceled;</item>
/// <item>stopped by self-fencing, a lost lease or a shutdown past the drain timeout: a retryable failure (another
/// attempt, maybe elsewhere, may succeed);</item>
/// <item>a timeout (the scanner's, or the deadline backstop): failed, not retryable (it would time out again);</item>
/// <item>refused by the catalog or the local policy: failed, not retryable, with the reason as the error;</item>
/// <item>any other failure: failed, retryable as the engine judged.</item>
/// </list>
/// The finding count is filled in by the outbox (distinct findings recorded).
/// </summary>
public static class CompletionBuilder
{
    public const int MaxLogTailChars = 16 * 1024;

    public static OutboxCompletion FromRun(AssignedCommand command, ScanRun run, StopReason? reason)
    {
        var (outcome, retryable, error) = run.Outcome switch
        {
            ScanOutcome.Succeeded => (CompletionOutcome.Succeeded, false, ""),
            ScanOutcome.Canceled when reason is { } why => Stopped(why),
            ScanOutcome.Canceled => (CompletionOutcome.Failed, true, run.FailureReason ?? "canceled"),
            ScanOutcome.TimedOut => (CompletionOutcome.Failed, false, run.FailureReason ?? "timed out"),
            ScanOutcome.Refused => (CompletionOutcome.Failed, false, run.FailureReason ?? "refused by the agent"),
            _ => (CompletionOutcome.Failed, run.Retryable, run.FailureReason ?? "failed"),
        };
        // A succeeded run that is not complete in every way (all output read, every result understood) must resolve
        // nothing on the control plane: anything short of ScanRun.IsComplete is reported as truncated.
        var truncated = run.Outcome == ScanOutcome.Succeeded
            ? !run.IsComplete
            : run.Truncated || run.ParseStatus is ParseStatus.Partial or ParseStatus.Failed;
        var components = run.Components.Count > 0 ? $", {run.Components.Count} components" : "";
        var summary = $"{run.ScannerId} {outcome.ToString().ToLowerInvariant()}: {run.Findings.Count} findings{components}, exit {run.ExitCode?.ToString() ?? "-"}, "
            + $"parse {run.ParseStatus.ToString().ToLowerInvariant()}{(truncated ? ", truncated" : "")}"
            + (run.Warnings.Count > 0 ? "; " + string.Join("; ", run.Warnings) : "");
        return new OutboxCompletion(
            Id: 0,
            CommandId: command.Id,
            FencingToken: command.FencingToken,
            Outcome: outcome,
            Retryable: retryable,
            ExitCode: run.ExitCode ?? -1,
            Summary: summary,
            Error: error,
            LogTail: run.LogTail.Length <= MaxLogTailChars ? run.LogTail : run.LogTail[^MaxLogTailChars..],
            FindingCount: 0,
            DurationMs: (long)run.Duration.TotalMilliseconds,
            Truncated: truncated,
            RecordedAt: default);
    }

    /// <summary>An attempt that ended before its scanner started (stopped at once, or not taken on after all).</summary>
    public static OutboxCompletion NotRun(AssignedCommand command, StopReason reason)
    {
        var (outcome, retryable, error) = Stopped(reason);
        return new OutboxCompletion(0, command.Id, command.FencingToken, outcome, retryable, -1,
            $"{command.Scanner} not run: {error}", error, "", 0, 0, false, default);
    }

    public static string Describe(StopReason reason) => reason switch
    {
        StopReason.StopRequested => "stopped at the control plane's request",
        StopReason.SelfFenced => "self-fenced: lease may be lost (no renewal succeeded for 0.8 x the lease duration)",
        StopReason.Superseded => "lease lost: another process holds this agent's lease",
        StopReason.Revoked => "this agent was revoked",
        StopReason.ClaimLost => "the control plane no longer assigns this attempt to this agent",
        StopReason.Deadline => "the command's deadline passed",
        StopReason.Shutdown => "canceled by shutdown: the agent stopped and its drain timeout passed",
        _ => reason.ToString(),
    };

    private static (CompletionOutcome Outcome, bool Retryable, string Error) Stopped(StopReason reason) => reason switch
    {
        StopReason.StopRequested => (CompletionOutcome.Canceled, false, Describe(reason)),
        StopReason.Deadline => (CompletionOutcome.Failed, false, Describe(reason)),
        _ => (CompletionOutcome.Failed, true, Describe(reason)),
    };
}
