namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// Caps on what is kept of a scanner's output. Past <see cref="MaxStdoutBytes"/> the run is truncated and the
/// scanner is stopped (its result could not be complete anyway); past <see cref="MaxStderrBytes"/> the run is
/// truncated and further stderr is discarded (still drained, so the tool never blocks on a full pipe). The log tail
/// is the last <see cref="LogTailBytes"/> of stdout and stderr together, with secrets masked.
/// </summary>
public sealed record OutputLimits(int MaxStdoutBytes, int MaxStderrBytes, int LogTailBytes)
{
    public static OutputLimits Default { get; } = new(8 * 1024 * 1024, 64 * 1024, 16 * 1024);
}
