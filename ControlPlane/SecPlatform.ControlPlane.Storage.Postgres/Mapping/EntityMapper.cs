using System.Text.Json;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Mapping;

/// <summary>Maps between storage entities and Core.Domain objects; entities never leave this project.</summary>
internal static class EntityMapper
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Npgsql writes timestamptz only from UTC offsets; callers may hand any offset.</summary>
    public static DateTimeOffset Utc(DateTimeOffset time) => time.ToUniversalTime();

    public static DateTimeOffset? Utc(DateTimeOffset? time) => time?.ToUniversalTime();

    public static TenantEntity ToEntity(Tenant t) => new() { Id = t.Id, Name = t.Name, CreatedAt = Utc(t.CreatedAt) };

    public static Tenant ToDomain(TenantEntity e) => new() { Id = e.Id, Name = e.Name, CreatedAt = e.CreatedAt };

    public static AdminUserEntity ToEntity(AdminUser a) => new()
    {
        Id = a.Id,
        Name = a.Name,
        Role = RoleName(a.Role),
        TenantId = a.TenantId,
        KeyHash = a.KeyHash,
        CreatedAt = Utc(a.CreatedAt),
        KeyRotatedAt = Utc(a.KeyRotatedAt),
        RevokedAt = Utc(a.RevokedAt),
    };

    public static AdminUser ToDomain(AdminUserEntity e) => new()
    {
        Id = e.Id,
        Name = e.Name,
        Role = ParseRole(e.Role),
        TenantId = e.TenantId,
        KeyHash = e.KeyHash,
        CreatedAt = e.CreatedAt,
        KeyRotatedAt = e.KeyRotatedAt,
        RevokedAt = e.RevokedAt,
    };

    public static BootstrapTokenEntity ToEntity(BootstrapToken t) => new()
    {
        Id = t.Id,
        TenantId = t.TenantId,
        SecretHash = t.SecretHash,
        CreatedAt = Utc(t.CreatedAt),
        ExpiresAt = Utc(t.ExpiresAt),
        MaxUses = t.MaxUses,
        UsedCount = t.UsedCount,
        Labels = LabelsJson(t.Labels),
        Cidrs = [.. t.Cidrs],
        RevokedAt = Utc(t.RevokedAt),
        CreatedBy = t.CreatedBy,
    };

    public static BootstrapToken ToDomain(BootstrapTokenEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        SecretHash = e.SecretHash,
        CreatedAt = e.CreatedAt,
        ExpiresAt = e.ExpiresAt,
        MaxUses = e.MaxUses,
        UsedCount = e.UsedCount,
        Labels = ParseLabels(e.Labels),
        Cidrs = [.. e.Cidrs],
        RevokedAt = e.RevokedAt,
        CreatedBy = e.CreatedBy,
    };

    public static AgentEntity ToEntity(Agent a) => new()
    {
        Id = a.Id,
        TenantId = a.TenantId,
        Name = a.Name,
        Hostname = a.Hostname,
        Os = a.Os,
        Arch = a.Arch,
        Version = a.Version,
        Labels = LabelsJson(a.Labels),
        Capabilities = CapabilitiesJson(a.Capabilities),
        RegisteredAt = Utc(a.RegisteredAt),
        BootstrapTokenId = a.BootstrapTokenId,
        Cordoned = a.Cordoned,
        Draining = a.Draining,
        RevokedAt = Utc(a.RevokedAt),
        DeregisteredAt = Utc(a.DeregisteredAt),
    };

    public static Agent ToDomain(AgentEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        Name = e.Name,
        Hostname = e.Hostname,
        Os = e.Os,
        Arch = e.Arch,
        Version = e.Version,
        Labels = ParseLabels(e.Labels),
        Capabilities = JsonSerializer.Deserialize<List<Capability>>(e.Capabilities, Json) ?? [],
        RegisteredAt = e.RegisteredAt,
        BootstrapTokenId = e.BootstrapTokenId,
        Cordoned = e.Cordoned,
        Draining = e.Draining,
        RevokedAt = e.RevokedAt,
        DeregisteredAt = e.DeregisteredAt,
    };

    public static string CapabilitiesJson(IEnumerable<Capability> capabilities) => JsonSerializer.Serialize(capabilities, Json);

    public static AgentKeyEntity ToEntity(AgentKey k, string? tenantId) => new()
    {
        Id = k.Id,
        AgentId = k.AgentId,
        TenantId = tenantId,
        SecretHash = k.SecretHash,
        CreatedAt = Utc(k.CreatedAt),
        ExpiresAt = Utc(k.ExpiresAt),
    };

    public static AgentKey ToDomain(AgentKeyEntity e) => new()
    {
        Id = e.Id,
        AgentId = e.AgentId,
        SecretHash = e.SecretHash,
        CreatedAt = e.CreatedAt,
        ExpiresAt = e.ExpiresAt,
    };

    public static AgentLeaseEntity ToEntity(Lease l, string? tenantId) => new()
    {
        AgentId = l.AgentId,
        TenantId = tenantId,
        HolderIdentity = l.HolderIdentity,
        Held = l.Held,
        LeaseDurationSeconds = l.LeaseDurationSeconds,
        AcquireTime = Utc(l.AcquireTime),
        RenewTime = Utc(l.RenewTime),
        ExpiresAt = Utc(l.ExpiresAt),
        LeaseTransitions = l.LeaseTransitions,
    };

    public static Lease ToDomain(AgentLeaseEntity e) => new()
    {
        AgentId = e.AgentId,
        HolderIdentity = e.HolderIdentity,
        Held = e.Held,
        LeaseDurationSeconds = e.LeaseDurationSeconds,
        AcquireTime = e.AcquireTime,
        RenewTime = e.RenewTime,
        ExpiresAt = e.ExpiresAt,
        LeaseTransitions = e.LeaseTransitions,
    };

    public static AgentWithLease ToDomain(AgentEntity agent, AgentLeaseEntity lease) => new(ToDomain(agent), ToDomain(lease));

    public static RegistrationAttemptEntity ToEntity(RegistrationAttempt a) => new()
    {
        Id = a.Id,
        TenantId = a.TenantId,
        TokenId = a.TokenId,
        PeerAddress = a.PeerAddress,
        Succeeded = a.Succeeded,
        Reason = a.Reason,
        AgentId = a.AgentId,
        Time = Utc(a.Time),
    };

    public static RegistrationAttempt ToDomain(RegistrationAttemptEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        TokenId = e.TokenId,
        PeerAddress = e.PeerAddress,
        Succeeded = e.Succeeded,
        Reason = e.Reason,
        AgentId = e.AgentId,
        Time = e.Time,
    };

    public static AuditEventEntity ToEntity(AuditEvent e) => new()
    {
        Sequence = e.Sequence,
        Time = Utc(e.Time),
        ActorId = e.ActorId,
        Action = e.Action,
        ResourceType = e.ResourceType,
        ResourceId = e.ResourceId,
        TenantId = e.TenantId,
        Outcome = e.Outcome,
        PeerAddress = e.PeerAddress,
        Detail = e.Detail,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };

    public static AuditEvent ToDomain(AuditEventEntity e) => new()
    {
        Sequence = e.Sequence,
        Time = e.Time,
        ActorId = e.ActorId,
        Action = e.Action,
        ResourceType = e.ResourceType,
        ResourceId = e.ResourceId,
        TenantId = e.TenantId,
        Outcome = e.Outcome,
        PeerAddress = e.PeerAddress,
        Detail = e.Detail,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };

    public static ReaperState ToDomain(ReaperStateEntity e) => new(e.LastRunAt, e.GraceUntil);

    public static CommandEntity ToEntity(Command c) => new()
    {
        Id = c.Id,
        TenantId = c.TenantId,
        Scanner = c.Scanner,
        Parameters = LabelsJson(c.Parameters),
        TargetAgentId = c.TargetAgentId,
        SelectorLabels = LabelsJson(c.SelectorLabels),
        RequiredCapabilities = [.. c.RequiredCapabilities],
        Priority = c.Priority,
        MaxAttempts = c.MaxAttempts,
        Attempt = c.Attempt,
        TimeoutSeconds = c.TimeoutSeconds,
        NotBefore = Utc(c.NotBefore),
        ExpiresAt = Utc(c.ExpiresAt),
        IdempotencyKey = c.IdempotencyKey,
        ProfileName = c.ProfileName,
        RequestHash = c.RequestHash,
        Status = c.Status.Word(),
        StatusReason = c.StatusReason,
        AvailableAt = Utc(c.AvailableAt),
        SortKey = Utc(c.SortKey),
        AgentId = c.AgentId,
        HolderIdentity = c.HolderIdentity,
        FencingToken = c.FencingToken,
        CancelRequested = c.CancelRequested,
        StopRequested = c.StopRequested,
        CreatedAt = Utc(c.CreatedAt),
        CreatedBy = c.CreatedBy,
        ClaimedAt = Utc(c.ClaimedAt),
        StartedAt = Utc(c.StartedAt),
        FinishedAt = Utc(c.FinishedAt),
        Deadline = Utc(c.Deadline),
        ExitCode = c.ExitCode,
        Summary = c.Summary,
        Error = c.Error,
        LogTail = c.LogTail,
        FindingCount = c.FindingCount,
        Truncated = c.Truncated,
        ProgressPercent = c.ProgressPercent,
        ProgressMessage = c.ProgressMessage,
    };

    public static Command ToDomain(CommandEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        Scanner = e.Scanner,
        Parameters = ParseLabels(e.Parameters),
        TargetAgentId = e.TargetAgentId,
        SelectorLabels = ParseLabels(e.SelectorLabels),
        RequiredCapabilities = [.. e.RequiredCapabilities],
        Priority = e.Priority,
        MaxAttempts = e.MaxAttempts,
        Attempt = e.Attempt,
        TimeoutSeconds = e.TimeoutSeconds,
        NotBefore = e.NotBefore,
        ExpiresAt = e.ExpiresAt,
        IdempotencyKey = e.IdempotencyKey,
        ProfileName = e.ProfileName,
        RequestHash = e.RequestHash,
        Status = ParseStatus(e.Status),
        StatusReason = e.StatusReason,
        AvailableAt = e.AvailableAt,
        SortKey = e.SortKey,
        AgentId = e.AgentId,
        HolderIdentity = e.HolderIdentity,
        FencingToken = e.FencingToken,
        CancelRequested = e.CancelRequested,
        StopRequested = e.StopRequested,
        CreatedAt = e.CreatedAt,
        CreatedBy = e.CreatedBy,
        ClaimedAt = e.ClaimedAt,
        StartedAt = e.StartedAt,
        FinishedAt = e.FinishedAt,
        Deadline = e.Deadline,
        ExitCode = e.ExitCode,
        Summary = e.Summary,
        Error = e.Error,
        LogTail = e.LogTail,
        FindingCount = e.FindingCount,
        Truncated = e.Truncated,
        ProgressPercent = e.ProgressPercent,
        ProgressMessage = e.ProgressMessage,
    };

    public static Finding ToDomain(FindingEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        Observed = new ObservedFinding
        {
            Fingerprint = e.Fingerprint,
            Scanner = e.Scanner,
            RuleId = e.RuleId,
            Title = e.Title,
            Severity = ParseSeverity(e.Severity),
            AssetKind = e.AssetKind,
            AssetValue = e.AssetValue,
            Host = e.Host,
            File = e.File,
            Line = e.Line,
            Column = e.Column,
            Port = e.Port,
            Protocol = e.Protocol,
            Message = e.Message,
            Cves = [.. e.Cves],
            Cwes = [.. e.Cwes],
            Evidence = e.Evidence,
        },
        FirstSeen = e.FirstSeen,
        LastSeen = e.LastSeen,
        Occurrences = e.Occurrences,
        LastCommandId = e.LastCommandId,
        Status = e.Status,
        AssetId = e.AssetId ?? "",
    };

    public static Asset ToDomain(AssetEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        Kind = e.Kind,
        Value = e.Value,
        Host = e.Host,
        FirstSeen = e.FirstSeen,
        LastSeen = e.LastSeen,
        Labels = ParseLabels(e.Labels),
    };

    /// <summary>The word stored for a severity (the findings' check constraint admits these only).</summary>
    public static string SeverityWord(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "unknown severity"),
    };

    public static Severity ParseSeverity(string word) => word switch
    {
        "info" => Severity.Info,
        "low" => Severity.Low,
        "medium" => Severity.Medium,
        "high" => Severity.High,
        "critical" => Severity.Critical,
        _ => throw new InvalidOperationException($"unknown severity '{word}' in findings"),
    };

    public static CommandStatus ParseStatus(string word) =>
        Enum.TryParse<CommandStatus>(word, ignoreCase: true, out var status) && status.Word() == word
            ? status
            : throw new InvalidOperationException($"unknown command status '{word}' in commands");

    /// <summary>A string-to-string map as a jsonb object (labels, selectors, parameters).</summary>
    public static string LabelsJson(IEnumerable<KeyValuePair<string, string>> labels) =>
        JsonSerializer.Serialize(labels.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), Json);

    public static string RoleName(AdminRole role) => role switch
    {
        AdminRole.SuperAdmin => "super_admin",
        AdminRole.OpsAdmin => "ops_admin",
        AdminRole.Readonly => "readonly",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown admin role"),
    };

    public static AdminRole ParseRole(string name) => name switch
    {
        "super_admin" => AdminRole.SuperAdmin,
        "ops_admin" => AdminRole.OpsAdmin,
        "readonly" => AdminRole.Readonly,
        _ => throw new InvalidOperationException($"unknown admin role '{name}' in admin_users"),
    };

    private static Dictionary<string, string> ParseLabels(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [];
}
