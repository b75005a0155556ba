namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class AgentLeaseEntity
{
    public string AgentId { get; set; } = "";
    /// <summary>Copied from the agent: every tenant-owned row carries its tenant.</summary>
    public string? TenantId { get; set; }
    public string? HolderIdentity { get; set; }
    public bool Held { get; set; }
    public int LeaseDurationSeconds { get; set; }
    public DateTimeOffset? AcquireTime { get; set; }
    public DateTimeOffset? RenewTime { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public long LeaseTransitions { get; set; }
}
