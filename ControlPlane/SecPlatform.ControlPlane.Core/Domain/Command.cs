namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// A scan command in the queue. <see cref="FencingToken"/> grows with every claim; progress, findings
/// and completion must present the current one. <see cref="HolderIdentity"/> is the lease holder of the
/// claiming agent at claim time: the claim lives as long as that holder keeps the lease.
/// </summary>
public sealed class Command
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Scanner { get; init; }
    public Dictionary<string, string> Parameters { get; init; } = [];

    // Target selector
    public string? TargetAgentId { get; init; }
    public Dictionary<string, string> SelectorLabels { get; init; } = [];
    /// <summary>Capabilities the agent must have; always includes <see cref="Scanner"/>.</summary>
    public List<string> RequiredCapabilities { get; init; } = [];

    public int Priority { get; init; }
    public required int MaxAttempts { get; init; }
    /// <summary>How many times the command was claimed so far.</summary>
    public int Attempt { get; init; }
    public required int TimeoutSeconds { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public string? IdempotencyKey { get; init; }
    /// <summary>The scan profile the command was queued from (its name at the time), if any.</summary>
    public string? ProfileName { get; init; }
    /// <summary>SHA-256 of the canonical request, to tell a repeat from a conflicting reuse of the key.</summary>
    public string RequestHash { get; init; } = "";

    public required CommandStatus Status { get; init; }
    public string StatusReason { get; init; } = "";
    /// <summary>When it may next be claimed: not_before, or a retry's back-off.</summary>
    public required DateTimeOffset AvailableAt { get; init; }
    /// <summary>
    /// Claim order within a tenant: <see cref="AvailableAt"/> moved earlier by priority, so higher priority
    /// goes first and waiting work ages past newer high-priority work.
    /// </summary>
    public required DateTimeOffset SortKey { get; init; }

    public string? AgentId { get; init; }
    public string? HolderIdentity { get; init; }
    public long FencingToken { get; init; }
    public bool CancelRequested { get; init; }
    /// <summary>The agent must stop the command (canceled or timed out) and has not yet said it did.</summary>
    public bool StopRequested { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Claimed at + timeout: past it the command fails.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public int? ExitCode { get; init; }
    public string Summary { get; init; } = "";
    public string Error { get; init; } = "";
    public string LogTail { get; init; } = "";
    public long? FindingCount { get; init; }
    public bool Truncated { get; init; }
    public int ProgressPercent { get; init; }
    public string ProgressMessage { get; init; } = "";

    /// <summary>Each priority point counts as this much waiting time (priority -100..100 spans about 33 minutes).</summary>
    public static readonly TimeSpan AgingPerPriorityPoint = TimeSpan.FromSeconds(10);

    /// <summary>The claim order key for work available at <paramref name="availableAt"/> with <paramref name="priority"/>.</summary>
    public static DateTimeOffset ComputeSortKey(DateTimeOffset availableAt, int priority) => availableAt - (AgingPerPriorityPoint * priority);
}
