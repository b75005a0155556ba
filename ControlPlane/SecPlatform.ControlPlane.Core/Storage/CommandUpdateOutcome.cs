namespace SecPlatform.ControlPlane.Core.Storage;

public enum CommandUpdateOutcome
{
    Applied,
    /// <summary>No such command, or it belongs to another agent. Nothing changed.</summary>
    NotFound,
    /// <summary>The fencing token is not the current one, or the command is no longer active. Nothing changed.</summary>
    Stale,
}
