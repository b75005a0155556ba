namespace SecPlatform.ControlPlane.Core.Storage;

public enum AgentAction
{
    Cordon,
    Uncordon,
    Drain,
    Revoke,
}
