namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>An agent and its lease, as read together for admin views.</summary>
public sealed record AgentWithLease(Agent Agent, Lease Lease)
{
    /// <summary>Online while the lease is held; the reaper decides expiry, a release ends it at once.</summary>
    public bool Online => Lease.Held && Agent.RevokedAt is null;
}
