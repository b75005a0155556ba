namespace SecPlatform.Agent.Scanners;

/// <summary>How a scan request ended.</summary>
public enum ScanOutcome
{
    /// <summary>The scanner ran and its exit code and output say the scan worked (see <see cref="ScanRun.IsComplete"/> for whether it covered everything).</summary>
    Succeeded,

    /// <summary>The scanner ran (or could not start) and the scan did not work.</summary>
    Failed,

    /// <summary>Killed, with its children, at its timeout.</summary>
    TimedOut,

    /// <summary>Killed, with its children, because the caller canceled.</summary>
    Canceled,

    /// <summary>The catalog or the local policy refused it; nothing was executed.</summary>
    Refused,
}
