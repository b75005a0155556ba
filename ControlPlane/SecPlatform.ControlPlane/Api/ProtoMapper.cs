using Google.Protobuf.WellKnownTypes;
using SecPlatform.ControlPlane.Core.Domain;
using Admin = SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.ControlPlane.Api;

/// <summary>Domain records to API messages. One place, so every call shows a resource the same way.</summary>
internal static partial class ProtoMapper
{
    public static Timestamp? ToTimestamp(DateTimeOffset? time) => time is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    public static Admin.Tenant ToProto(Tenant tenant) => new()
    {
        Id = tenant.Id,
        Name = tenant.Name,
        CreatedAt = ToTimestamp(tenant.CreatedAt),
    };

    public static Admin.AdminUser ToProto(AdminUser admin) => new()
    {
        Id = admin.Id,
        Name = admin.Name,
        Role = ToProto(admin.Role),
        TenantId = admin.TenantId ?? "",
        CreatedAt = ToTimestamp(admin.CreatedAt),
        RevokedAt = ToTimestamp(admin.RevokedAt),
        KeyRotatedAt = ToTimestamp(admin.KeyRotatedAt),
    };

    public static Admin.AdminRole ToProto(AdminRole role) => role switch
    {
        AdminRole.SuperAdmin => Admin.AdminRole.SuperAdmin,
        AdminRole.OpsAdmin => Admin.AdminRole.OpsAdmin,
        AdminRole.Readonly => Admin.AdminRole.Readonly,
        _ => Admin.AdminRole.Unspecified,
    };

    /// <summary>Unspecified maps to an undefined value, which the application layer refuses with a clear message.</summary>
    public static AdminRole FromProto(Admin.AdminRole role) => role switch
    {
        Admin.AdminRole.SuperAdmin => AdminRole.SuperAdmin,
        Admin.AdminRole.OpsAdmin => AdminRole.OpsAdmin,
        Admin.AdminRole.Readonly => AdminRole.Readonly,
        _ => 0,
    };

    public static Admin.BootstrapToken ToProto(BootstrapToken token)
    {
        var proto = new Admin.BootstrapToken
        {
            Id = token.Id,
            TenantId = token.TenantId ?? "",
            Platform = token.IsPlatform,
            CreatedAt = ToTimestamp(token.CreatedAt),
            ExpiresAt = ToTimestamp(token.ExpiresAt),
            MaxUses = token.MaxUses,
            UsedCount = token.UsedCount,
            RevokedAt = ToTimestamp(token.RevokedAt),
            CreatedBy = token.CreatedBy,
        };
        proto.Labels.Add(token.Labels);
        proto.Cidrs.Add(token.Cidrs);
        return proto;
    }

    public static Admin.Agent ToProto(AgentWithLease view)
    {
        var (agent, lease) = (view.Agent, view.Lease);
        var proto = new Admin.Agent
        {
            Id = agent.Id,
            Name = agent.Name,
            Hostname = agent.Hostname,
            Os = agent.Os,
            Arch = agent.Arch,
            Version = agent.Version,
            TenantId = agent.TenantId ?? "",
            Platform = agent.IsPlatform,
            Health = view.Online ? Admin.AgentHealth.Online : Admin.AgentHealth.Offline,
            Cordoned = agent.Cordoned,
            Draining = agent.Draining,
            Revoked = agent.RevokedAt is not null,
            RegisteredAt = ToTimestamp(agent.RegisteredAt),
            BootstrapTokenId = agent.BootstrapTokenId,
            Lease = new Admin.AgentLease
            {
                HolderIdentity = lease.HolderIdentity ?? "",
                LeaseDurationSeconds = lease.LeaseDurationSeconds,
                AcquireTime = ToTimestamp(lease.AcquireTime),
                RenewTime = ToTimestamp(lease.RenewTime),
                LeaseTransitions = lease.LeaseTransitions,
            },
        };
        proto.Labels.Add(agent.Labels);
        proto.Capabilities.Add(agent.Capabilities.Select(c => new Admin.AgentCapability { Scanner = c.Scanner, Version = c.Version }));
        return proto;
    }

    public static Admin.Registration ToProto(RegistrationAttempt attempt) => new()
    {
        Id = attempt.Id,
        TokenId = attempt.TokenId,
        PeerAddress = attempt.PeerAddress,
        Outcome = attempt.Succeeded ? "succeeded" : "failed",
        Reason = attempt.Reason,
        AgentId = attempt.AgentId ?? "",
        TenantId = attempt.TenantId ?? "",
        Time = ToTimestamp(attempt.Time),
    };

    public static Admin.Command ToProto(Command c)
    {
        var proto = new Admin.Command
        {
            Id = c.Id,
            TenantId = c.TenantId,
            Scanner = c.Scanner,
            TargetAgentId = c.TargetAgentId ?? "",
            Priority = c.Priority,
            MaxAttempts = c.MaxAttempts,
            Attempt = c.Attempt,
            TimeoutSeconds = c.TimeoutSeconds,
            NotBefore = ToTimestamp(c.NotBefore),
            ExpiresAt = ToTimestamp(c.ExpiresAt),
            IdempotencyKey = c.IdempotencyKey ?? "",
            Status = ToProto(c.Status),
            StatusReason = c.StatusReason,
            AgentId = c.AgentId ?? "",
            FencingToken = c.FencingToken,
            CancelRequested = c.CancelRequested,
            CreatedAt = ToTimestamp(c.CreatedAt),
            ClaimedAt = ToTimestamp(c.ClaimedAt),
            StartedAt = ToTimestamp(c.StartedAt),
            FinishedAt = ToTimestamp(c.FinishedAt),
            ExitCode = c.ExitCode ?? 0,
            Summary = c.Summary,
            Error = c.Error,
            LogTail = c.LogTail,
            FindingCount = c.FindingCount ?? 0,
            ProgressPercent = c.ProgressPercent,
            ProgressMessage = c.ProgressMessage,
            CreatedBy = c.CreatedBy,
            AvailableAt = ToTimestamp(c.AvailableAt),
            Profile = c.ProfileName ?? "",
        };
        proto.Parameters.Add(c.Parameters);
        proto.SelectorLabels.Add(c.SelectorLabels);
        proto.RequiredCapabilities.Add(c.RequiredCapabilities);
        return proto;
    }

    public static Admin.CommandStatus ToProto(CommandStatus status) => status switch
    {
        CommandStatus.Queued => Admin.CommandStatus.Queued,
        CommandStatus.Claimed => Admin.CommandStatus.Claimed,
        CommandStatus.Running => Admin.CommandStatus.Running,
        CommandStatus.Succeeded => Admin.CommandStatus.Succeeded,
        CommandStatus.Failed => Admin.CommandStatus.Failed,
        CommandStatus.Canceled => Admin.CommandStatus.Canceled,
        CommandStatus.Expired => Admin.CommandStatus.Expired,
        _ => Admin.CommandStatus.Unspecified,
    };

    public static Contracts.Agent.V1.AssignedCommand ToAssigned(Command c)
    {
        var proto = new Contracts.Agent.V1.AssignedCommand
        {
            Id = c.Id,
            TenantId = c.TenantId,
            Scanner = c.Scanner,
            FencingToken = c.FencingToken,
            Attempt = c.Attempt,
            TimeoutSeconds = c.TimeoutSeconds,
            Deadline = ToTimestamp(c.Deadline),
        };
        proto.Parameters.Add(c.Parameters);
        return proto;
    }

    public static Admin.Finding ToProto(Finding finding)
    {
        var o = finding.Observed;
        var proto = new Admin.Finding
        {
            Id = finding.Id,
            TenantId = finding.TenantId,
            Fingerprint = o.Fingerprint,
            Scanner = o.Scanner,
            RuleId = o.RuleId,
            Title = o.Title,
            Severity = (Admin.FindingSeverity)(int)o.Severity,
            AssetKind = o.AssetKind,
            AssetValue = o.AssetValue,
            Host = o.Host,
            File = o.File,
            Line = o.Line,
            Column = o.Column,
            Port = o.Port,
            Protocol = o.Protocol,
            Message = o.Message,
            Evidence = o.Evidence,
            FirstSeen = ToTimestamp(finding.FirstSeen),
            LastSeen = ToTimestamp(finding.LastSeen),
            Occurrences = finding.Occurrences,
            LastCommandId = finding.LastCommandId,
            Status = finding.Status,
            AssetId = finding.AssetId,
        };
        proto.Cves.Add(o.Cves);
        proto.Cwes.Add(o.Cwes);
        proto.VulnerabilityIds.Add(VulnerabilityIds.Of(o));
        return proto;
    }

    public static Admin.Asset ToProto(Asset asset)
    {
        var proto = new Admin.Asset
        {
            Id = asset.Id,
            TenantId = asset.TenantId,
            Kind = asset.Kind,
            Value = asset.Value,
            Host = asset.Host,
            FirstSeen = ToTimestamp(asset.FirstSeen),
            LastSeen = ToTimestamp(asset.LastSeen),
        };
        proto.Labels.Add(asset.Labels);
        return proto;
    }

    /// <summary>Every severity and every status (0 when none match), then the pairs that have findings.</summary>
    public static Admin.FindingSummary ToProto(Core.Storage.FindingSummary summary)
    {
        var proto = new Admin.FindingSummary { Total = summary.Total };
        proto.BySeverity.Add(System.Enum.GetValues<Severity>().OrderDescending()
            .Select(s => new Admin.SeverityCount { Severity = (Admin.FindingSeverity)(int)s, Count = summary.CountOf(s) }));
        proto.ByStatus.Add(FindingStatus.All.Select(s => new Admin.StatusCount { Status = s, Count = summary.CountOf(s) }));
        proto.BySeverityAndStatus.Add(summary.Counts.Select(c => new Admin.SeverityStatusCount
        {
            Severity = (Admin.FindingSeverity)(int)c.Severity,
            Status = c.Status,
            Count = c.Count,
        }));
        return proto;
    }

    /// <summary>A finding with its status history (oldest first).</summary>
    public static Admin.Finding ToProto(Finding finding, IEnumerable<FindingStatusChange> history)
    {
        var proto = ToProto(finding);
        proto.History.Add(history.Select(c => new Admin.FindingStatusChange
        {
            From = c.From,
            To = c.To,
            Reason = c.Reason,
            Actor = c.Actor,
            CommandId = c.CommandId ?? "",
            ChangedAt = ToTimestamp(c.ChangedAt),
        }));
        return proto;
    }

    /// <summary>An agent's finding; an unspecified severity maps to an undefined value, which validation refuses.</summary>
    public static ObservedFinding FromProto(Contracts.Agent.V1.Finding f) => new()
    {
        Fingerprint = f.Fingerprint,
        Scanner = f.Scanner,
        RuleId = f.RuleId,
        Title = f.Title,
        Severity = (Severity)(int)f.Severity,
        AssetKind = f.AssetKind,
        AssetValue = f.AssetValue,
        Host = f.Host,
        File = f.File,
        Line = f.Line,
        Column = f.Column,
        Port = f.Port,
        Protocol = f.Protocol,
        Message = f.Message,
        Cves = [.. f.Cves],
        Cwes = [.. f.Cwes],
        Evidence = f.Evidence,
    };

    public static Admin.AuditEvent ToProto(AuditEvent e) => new()
    {
        Sequence = e.Sequence,
        Time = ToTimestamp(e.Time),
        ActorId = e.ActorId,
        Action = e.Action,
        ResourceType = e.ResourceType,
        ResourceId = e.ResourceId,
        TenantId = e.TenantId ?? "",
        Outcome = e.Outcome,
        PeerAddress = e.PeerAddress,
        Detail = e.Detail,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };
}
