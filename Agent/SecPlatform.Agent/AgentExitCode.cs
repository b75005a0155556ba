namespace SecPlatform.Agent;

/// <summary>
/// The exit codes of <c>secplat-agent</c>: a contract with service wrappers (systemd, the Windows
/// service, launchd), which decide from them whether to restart the agent.
/// Restart on <see cref="Error"/>; never restart on <see cref="Usage"/>, <see cref="Superseded"/>,
/// <see cref="Revoked"/> or <see cref="NotRegistered"/>: a restart cannot fix them
/// (systemd: <c>RestartPreventExitStatus=2 3 4 5</c>).
/// </summary>
public enum AgentExitCode
{
    /// <summary>Done; for <c>run</c>: stopped on request (SIGTERM, Ctrl+C) after releasing the lease.</summary>
    Ok = 0,

    /// <summary>Something failed that may work later: control plane unreachable, local state unreadable, an unexpected error.</summary>
    Error = 1,

    /// <summary>The command line was wrong (unknown option, missing token, malformed label or URL).</summary>
    Usage = 2,

    /// <summary><c>run</c>: another process took over this agent's lease (two copies of one identity, e.g. a cloned machine).</summary>
    Superseded = 3,

    /// <summary>The control plane refused the credentials: the agent was revoked or its key is no longer valid
    /// (<c>run</c>, <c>deregister</c>), or the bootstrap token was refused (<c>register</c>).</summary>
    Revoked = 4,

    /// <summary>No agent identity in the state directory: run <c>secplat-agent register</c> first.</summary>
    NotRegistered = 5,

    /// <summary><c>register</c>, <c>deregister</c>: the server's TLS key does not have the pin given (or stored at registration);
    /// nothing was sent to it. Another server answers at that URL, or the control plane's certificate changed.
    /// (<c>run</c> treats it as an unreachable control plane and keeps retrying: the right server may come back.)</summary>
    Untrusted = 6,
}
