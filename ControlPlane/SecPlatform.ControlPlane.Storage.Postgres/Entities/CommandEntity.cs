namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class CommandEntity
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Scanner { get; set; } = "";
    /// <summary>jsonb object of parameter name to value.</summary>
    public string Parameters { get; set; } = "{}";
    public string? TargetAgentId { get; set; }
    /// <summary>jsonb object: a claiming agent's labels must contain it (<c>&lt;@</c>).</summary>
    public string SelectorLabels { get; set; } = "{}";
    public List<string> RequiredCapabilities { get; set; } = [];
    public int Priority { get; set; }
    public int MaxAttempts { get; set; }
    public int Attempt { get; set; }
    public int TimeoutSeconds { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>The scan profile it was queued from, if any.</summary>
    public string? ProfileName { get; set; }
    public string RequestHash { get; set; } = "";
    /// <summary>The lowercase word (<c>queued</c>, <c>claimed</c>, ...), as users and partial indexes see it.</summary>
    public string Status { get; set; } = "";
    public string StatusReason { get; set; } = "";
    public DateTimeOffset AvailableAt { get; set; }
    public DateTimeOffset SortKey { get; set; }
    public string? AgentId { get; set; }
    public string? HolderIdentity { get; set; }
    public long FencingToken { get; set; }
    public bool CancelRequested { get; set; }
    public bool StopRequested { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    public int? ExitCode { get; set; }
    public string Summary { get; set; } = "";
    public string Error { get; set; } = "";
    public string LogTail { get; set; } = "";
    public long? FindingCount { get; set; }
    public bool Truncated { get; set; }
    public int ProgressPercent { get; set; }
    public string ProgressMessage { get; set; } = "";
    /// <summary>From command_claim_seq at each claim: a tenant's highest value says when it was last served.</summary>
    public long? ClaimSeq { get; set; }
}
