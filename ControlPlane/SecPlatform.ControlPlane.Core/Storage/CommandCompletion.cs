using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The end of an attempt. Applied only with the current fencing token on an active command. Result:
/// a requested cancel wins (canceled); succeeded; canceled; failed and retryable with attempts left:
/// queued again, available at <see cref="RetryAt"/>; otherwise failed.
/// </summary>
public sealed record CommandCompletion(
    CommandRef Ref,
    CommandStatus Outcome,
    bool Retryable,
    int ExitCode,
    string Summary,
    string Error,
    string LogTail,
    long FindingCount,
    bool Truncated,
    DateTimeOffset Now,
    DateTimeOffset RetryAt);
