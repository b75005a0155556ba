namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// One lease per agent, with coordination.k8s.io/Lease semantics. <see cref="HolderIdentity"/> stays
/// set after release or expiry so that a later renew can tell the same process from a new one;
/// <see cref="Held"/> says whether the lease is currently held.
/// </summary>
public sealed class Lease
{
    public required string AgentId { get; init; }
    public string? HolderIdentity { get; init; }
    public bool Held { get; init; }
    public required int LeaseDurationSeconds { get; init; }
    public DateTimeOffset? AcquireTime { get; init; }
    public DateTimeOffset? RenewTime { get; init; }
    /// <summary>RenewTime + duration: when the reaper may expire the lease (server clock only).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public long LeaseTransitions { get; init; }
}
