using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>The lease, embedded in its agent's document so that agent and lease change and read together.</summary>
internal sealed class LeaseDocument
{
    public string? HolderIdentity { get; set; }
    public bool Held { get; set; }
    public int LeaseDurationSeconds { get; set; }
    public DateTimeOffset? AcquireTime { get; set; }
    public DateTimeOffset? RenewTime { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public long LeaseTransitions { get; set; }

    public static LeaseDocument From(Lease lease) => new()
    {
        HolderIdentity = lease.HolderIdentity,
        Held = lease.Held,
        LeaseDurationSeconds = lease.LeaseDurationSeconds,
        AcquireTime = lease.AcquireTime,
        RenewTime = lease.RenewTime,
        ExpiresAt = lease.ExpiresAt,
        LeaseTransitions = lease.LeaseTransitions,
    };

    public Lease ToDomain(string agentId) => new()
    {
        AgentId = agentId,
        HolderIdentity = HolderIdentity,
        Held = Held,
        LeaseDurationSeconds = LeaseDurationSeconds,
        AcquireTime = AcquireTime,
        RenewTime = RenewTime,
        ExpiresAt = ExpiresAt,
        LeaseTransitions = LeaseTransitions,
    };
}
