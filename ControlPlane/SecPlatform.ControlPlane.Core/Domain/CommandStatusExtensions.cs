namespace SecPlatform.ControlPlane.Core.Domain;

public static class CommandStatusExtensions
{
    public static bool IsTerminal(this CommandStatus status) =>
        status is CommandStatus.Succeeded or CommandStatus.Failed or CommandStatus.Canceled or CommandStatus.Expired;

    /// <summary>Claimed or running: an agent holds it under its lease.</summary>
    public static bool IsActive(this CommandStatus status) => status is CommandStatus.Claimed or CommandStatus.Running;

    /// <summary>The lowercase word users see (queued, running, ...).</summary>
    public static string Word(this CommandStatus status) => status.ToString().ToLowerInvariant();
}
