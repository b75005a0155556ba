namespace SecPlatform.Agent.Commands;

/// <summary>The command loop. Bound from configuration section <see cref="Section"/>, e.g. env
/// <c>SecPlatform__Agent__Commands__DrainTimeout=00:01:00</c>; <c>run --concurrency N</c> sets <see cref="Concurrency"/>.</summary>
public sealed class CommandLoopOptions
{
    public const string Section = "SecPlatform:Agent:Commands";

    /// <summary>The control plane hands out at most 100 commands per pull.</summary>
    public const int MaxConcurrency = 100;

    /// <summary>How many commands run at once.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>On a graceful stop, how long running scans may go on before they are canceled.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one PullCommands long poll waits for work (the control plane allows 0 to 30 s).</summary>
    public int PullWaitSeconds { get; set; } = 30;

    /// <summary>How often a running command reports progress (it also reports once at its start).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of StartCommand and ReportProgress; a pull gets its wait plus this.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a scan may outlive its command's timeout before the agent stops it (a backstop: the
    /// scanner's own timeout, the same length, normally ends it first).</summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First back-off ceiling after a failed pull; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>No retry comes sooner than this, whatever the jitter draws.</summary>
    public TimeSpan MinimumBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>While no work may be taken (draining, fenced, outbox full, no free slot), look again at least this often.</summary>
    public TimeSpan IdleRecheck { get; set; } = TimeSpan.FromSeconds(30);
}
