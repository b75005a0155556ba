namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>queued -> claimed -> running -> succeeded | failed | canceled; queued -> expired | canceled.</summary>
public enum CommandStatus
{
    Queued = 1,
    Claimed = 2,
    Running = 3,
    Succeeded = 4,
    Failed = 5,
    Canceled = 6,
    Expired = 7,
}
