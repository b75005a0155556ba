using System.Globalization;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// One command. Besides the command's own fields it carries derived keys that exist only while they
/// apply, so their indexes stay small, as partial indexes would in PostgreSQL: <see cref="QueueKey"/>
/// and <see cref="QueuedExpiresAt"/> while queued, <see cref="StopAgentId"/> while a stop is pending.
/// <see cref="Reindex"/> recomputes them and runs before every write.
/// </summary>
internal sealed class CommandDocument
{
    /// <summary>Between the tenant id and the claim order in <see cref="QueueKey"/>; ids never contain it.</summary>
    public const char QueueKeySeparator = '|';

    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Scanner { get; set; } = "";
    /// <summary>As key/value pairs, like labels: a BSON document would merge names differing only in case.</summary>
    public List<LabelDocument> Parameters { get; set; } = [];
    public string? TargetAgentId { get; set; }
    public List<LabelDocument> SelectorLabels { get; set; } = [];
    public List<string> RequiredCapabilities { get; set; } = [];
    public int Priority { get; set; }
    public int MaxAttempts { get; set; }
    public int Attempt { get; set; }
    public int TimeoutSeconds { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? ProfileName { get; set; }
    public string RequestHash { get; set; } = "";
    public CommandStatus Status { get; set; }
    public string StatusReason { get; set; } = "";
    public DateTimeOffset AvailableAt { get; set; }
    /// <summary>The domain's SortKey (claim order within the tenant); named apart from the list order field <see cref="Sort"/>.</summary>
    public DateTimeOffset ClaimSortKey { get; set; }
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

    /// <summary>The list order: (created, id).</summary>
    public string Sort { get; set; } = "";

    /// <summary>
    /// While queued: tenant id, claim sort key (fixed-width ticks) and id, so one index range is a tenant's
    /// queue in claim order. Absent otherwise.
    /// </summary>
    public string? QueueKey { get; set; }

    /// <summary>While queued: <see cref="ExpiresAt"/>, so the sweep finds expired work without reading the queue.</summary>
    public DateTimeOffset? QueuedExpiresAt { get; set; }

    /// <summary>While <see cref="StopRequested"/>: the agent that must stop it, so renewals find their stops at once.</summary>
    public string? StopAgentId { get; set; }

    /// <summary>Tenant id and idempotency key, when a key is set: the key is unique per tenant.</summary>
    public string? TenantIdempotencyKey { get; set; }

    /// <summary>The first key of <paramref name="tenantId"/>'s queue range; every key of it starts with this.</summary>
    public static string QueuePrefix(string tenantId) => tenantId + QueueKeySeparator;

    /// <summary>Above every key of <paramref name="tenantId"/>'s queue range, below every key of the tenants after it.</summary>
    public static string QueueUpperBound(string tenantId) => tenantId + (char)(QueueKeySeparator + 1);

    public static string? IdempotencyKeyOf(string tenantId, string? key) =>
        key is null ? null : tenantId + QueueKeySeparator + key;

    public static CommandDocument From(Command command)
    {
        var document = new CommandDocument
        {
            Id = command.Id,
            TenantId = command.TenantId,
            Scanner = command.Scanner,
            Parameters = LabelDocument.FromDictionary(command.Parameters),
            TargetAgentId = command.TargetAgentId,
            SelectorLabels = LabelDocument.FromDictionary(command.SelectorLabels),
            RequiredCapabilities = [.. command.RequiredCapabilities],
            Priority = command.Priority,
            MaxAttempts = command.MaxAttempts,
            Attempt = command.Attempt,
            TimeoutSeconds = command.TimeoutSeconds,
            NotBefore = command.NotBefore,
            ExpiresAt = command.ExpiresAt,
            IdempotencyKey = command.IdempotencyKey,
            ProfileName = command.ProfileName,
            RequestHash = command.RequestHash,
            Status = command.Status,
            StatusReason = command.StatusReason,
            AvailableAt = command.AvailableAt,
            ClaimSortKey = command.SortKey,
            AgentId = command.AgentId,
            HolderIdentity = command.HolderIdentity,
            FencingToken = command.FencingToken,
            CancelRequested = command.CancelRequested,
            StopRequested = command.StopRequested,
            CreatedAt = command.CreatedAt,
            CreatedBy = command.CreatedBy,
            ClaimedAt = command.ClaimedAt,
            StartedAt = command.StartedAt,
            FinishedAt = command.FinishedAt,
            Deadline = command.Deadline,
            ExitCode = command.ExitCode,
            Summary = command.Summary,
            Error = command.Error,
            LogTail = command.LogTail,
            FindingCount = command.FindingCount,
            Truncated = command.Truncated,
            ProgressPercent = command.ProgressPercent,
            ProgressMessage = command.ProgressMessage,
            Sort = SortKey.Of(command.CreatedAt, command.Id),
            TenantIdempotencyKey = IdempotencyKeyOf(command.TenantId, command.IdempotencyKey),
        };
        document.Reindex();
        return document;
    }

    /// <summary>Recomputes the derived keys from the status; call it after every change, before the write.</summary>
    public void Reindex()
    {
        var queued = Status == CommandStatus.Queued;
        QueueKey = queued
            ? QueuePrefix(TenantId) + ClaimSortKey.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + QueueKeySeparator + Id
            : null;
        QueuedExpiresAt = queued ? ExpiresAt : null;
        StopAgentId = StopRequested ? AgentId : null;
    }

    /// <summary>Whether an agent with these labels and capabilities may run it (the selector part of eligibility).</summary>
    public bool SelectorMatches(IReadOnlyDictionary<string, string> labels, IReadOnlySet<string> capabilities) =>
        SelectorLabels.All(l => labels.TryGetValue(l.Key, out var value) && string.Equals(value, l.Value, StringComparison.Ordinal))
        && RequiredCapabilities.All(capabilities.Contains);

    public Command ToDomain() => new()
    {
        Id = Id,
        TenantId = TenantId,
        Scanner = Scanner,
        Parameters = LabelDocument.ToDictionary(Parameters),
        TargetAgentId = TargetAgentId,
        SelectorLabels = LabelDocument.ToDictionary(SelectorLabels),
        RequiredCapabilities = [.. RequiredCapabilities],
        Priority = Priority,
        MaxAttempts = MaxAttempts,
        Attempt = Attempt,
        TimeoutSeconds = TimeoutSeconds,
        NotBefore = NotBefore,
        ExpiresAt = ExpiresAt,
        IdempotencyKey = IdempotencyKey,
        ProfileName = ProfileName,
        RequestHash = RequestHash,
        Status = Status,
        StatusReason = StatusReason,
        AvailableAt = AvailableAt,
        SortKey = ClaimSortKey,
        AgentId = AgentId,
        HolderIdentity = HolderIdentity,
        FencingToken = FencingToken,
        CancelRequested = CancelRequested,
        StopRequested = StopRequested,
        CreatedAt = CreatedAt,
        CreatedBy = CreatedBy,
        ClaimedAt = ClaimedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        Deadline = Deadline,
        ExitCode = ExitCode,
        Summary = Summary,
        Error = Error,
        LogTail = LogTail,
        FindingCount = FindingCount,
        Truncated = Truncated,
        ProgressPercent = ProgressPercent,
        ProgressMessage = ProgressMessage,
    };
}
