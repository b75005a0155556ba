namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// Kills a scanner and everything it started. Every scanner process gets a unique marker in its environment
/// (<see cref="MarkerVariable"/>), which its descendants inherit, double-forked ones included; implementations that
/// can read other processes' environments (Linux) use it to find them all, even after they were re-parented away
/// from the scanner. Chosen at run time by <see cref="ProcessTreeKillers.Current"/>.
/// </summary>
public interface IProcessTreeKiller
{
    public const string MarkerVariable = "SECPLAT_SCAN_RUN";

    /// <summary>Kills the scanner <paramref name="processId"/> and all its descendants, while it still runs.</summary>
    void KillTree(int processId, string marker);

    /// <summary>After the scanner exited: kills what it left running (background children). Returns how many.</summary>
    int KillLeftovers(string marker);
}
