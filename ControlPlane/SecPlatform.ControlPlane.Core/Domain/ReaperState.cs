namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>When the reaper last ran (on any replica), and until when leases get outage grace.</summary>
public sealed record ReaperState(DateTimeOffset? LastRunAt, DateTimeOffset? GraceUntil);
