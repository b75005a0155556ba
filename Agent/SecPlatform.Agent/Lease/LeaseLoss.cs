namespace SecPlatform.Agent.Lease;

/// <summary>Why this process may no longer hold its claims.</summary>
public enum LeaseLoss
{
    /// <summary>No renewal succeeded for 0.8 x the lease duration: the lease may have run out (it may come back).</summary>
    SelfFenced,

    /// <summary>Another process took the lease over (a newer start of the same identity): it will not come back.</summary>
    Superseded,

    /// <summary>The control plane revoked this agent or refused its key.</summary>
    Revoked,
}
