using SecPlatform.ControlPlane.Core.Domain;
using Admin = SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.ControlPlane.Api;

internal static partial class ProtoMapper
{
    public static Admin.Scan ToProto(Scan scan)
    {
        var (c, counts) = (scan.Command, scan.Counts);
        var proto = new Admin.Scan
        {
            Id = c.Id,
            TenantId = c.TenantId,
            Scanner = c.Scanner,
            Profile = c.ProfileName ?? "",
            AgentId = c.AgentId ?? "",
            Status = ToProto(c.Status),
            StatusReason = c.StatusReason,
            Attempt = c.Attempt,
            CreatedAt = ToTimestamp(c.CreatedAt),
            StartedAt = ToTimestamp(c.StartedAt ?? c.ClaimedAt),
            FinishedAt = ToTimestamp(c.FinishedAt),
            Truncated = c.Truncated,
            FindingsNew = counts.New,
            FindingsSeenAgain = counts.SeenAgain,
            FindingsResolved = counts.Resolved,
            Info = counts.Info,
            Low = counts.Low,
            Medium = counts.Medium,
            High = counts.High,
            Critical = counts.Critical,
            TargetAgentId = c.TargetAgentId ?? "",
            Components = counts.Components,
        };
        proto.Parameters.Add(c.Parameters);
        proto.SelectorLabels.Add(c.SelectorLabels);
        return proto;
    }

    public static Admin.AssetComponent ToProto(AssetComponent c) => new()
    {
        Id = c.Id,
        TenantId = c.TenantId,
        AssetId = c.AssetId,
        Name = c.Name,
        Version = c.Version,
        Purl = c.Purl,
        Type = c.Type,
        FirstSeen = ToTimestamp(c.FirstSeen),
        LastSeen = ToTimestamp(c.LastSeen),
        LastCommandId = c.LastCommandId,
    };

    public static ObservedComponent FromProto(Contracts.Agent.V1.Component c) =>
        new(c.Name, c.Version, c.Purl, c.Type, c.AssetKind, c.AssetValue);

    public static Admin.ScanProfile ToProto(ScanProfile p)
    {
        var proto = new Admin.ScanProfile
        {
            Id = p.Id,
            TenantId = p.TenantId,
            Name = p.Name,
            Description = p.Description,
            Scanner = p.Scanner,
            TargetAgentId = p.TargetAgentId ?? "",
            Priority = p.Priority,
            MaxAttempts = p.MaxAttempts,
            TimeoutSeconds = p.TimeoutSeconds,
            CreatedAt = ToTimestamp(p.CreatedAt),
            CreatedBy = p.CreatedBy,
        };
        proto.Parameters.Add(p.Parameters);
        proto.SelectorLabels.Add(p.SelectorLabels);
        proto.RequiredCapabilities.Add(p.RequiredCapabilities);
        return proto;
    }
}
