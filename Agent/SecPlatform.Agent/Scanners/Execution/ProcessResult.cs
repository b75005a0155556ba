namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>What running a scanner process gave: how it ended, its exit code, its capped output and its log tail.</summary>
public sealed record ProcessResult(
    ProcessEnd End,
    int? ExitCode,
    TimeSpan Duration,
    ReadOnlyMemory<byte> StandardOutput,
    bool StdoutTruncated,
    bool StderrTruncated,
    string LogTail,
    string? StartError = null,
    int LeftoversKilled = 0);
