namespace SecPlatform.Agent.Commands;

/// <summary>Why the agent stopped a running scan; the first reason given wins.</summary>
public enum StopReason
{
    /// <summary>The control plane asked (a cancel, or the command passed its timeout there): the attempt ends canceled.</summary>
    StopRequested,

    /// <summary>No lease renewal succeeded for 0.8 x the lease duration: another agent may get the work.</summary>
    SelfFenced,

    /// <summary>Another process took this agent's lease over.</summary>
    Superseded,

    /// <summary>The agent was revoked.</summary>
    Revoked,

    /// <summary>The control plane no longer assigns this command to this attempt (its fencing token is stale).</summary>
    ClaimLost,

    /// <summary>The command's own deadline passed (a backstop behind the scanner's timeout).</summary>
    Deadline,

    /// <summary>The agent is stopping and its drain timeout passed.</summary>
    Shutdown,
}
