namespace SecPlatform.ControlPlane.Core.Storage;

public enum CommandUpdateOutcome
{
    Applied,
    /// <summary>No such command, or it belongs to another agent. Nothing changed.</summary>
    NotFound,
    /// <summary>
    /// The fencing token is not the current one, or the command is no longer active. Nothing changed, except
    /// that a completion with the current token of a command that already ended (e.g. timed out) clears its
    /// stop request: the agent has stopped it.
    /// </summary>
    Stale,
}
