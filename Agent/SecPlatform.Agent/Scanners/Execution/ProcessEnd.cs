namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>How a scanner process ended.</summary>
public enum ProcessEnd
{
    /// <summary>It exited by itself; its exit code says how it went.</summary>
    Exited,

    /// <summary>It ran past its timeout and was killed with its children.</summary>
    TimedOut,

    /// <summary>The caller canceled; it was killed with its children.</summary>
    Canceled,

    /// <summary>It printed more than the stdout cap and was stopped.</summary>
    OutputCapExceeded,

    /// <summary>It could not be started.</summary>
    FailedToStart,
}
