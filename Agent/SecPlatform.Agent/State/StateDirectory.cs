using SecPlatform.Agent.Platform;

namespace SecPlatform.Agent.State;

/// <summary>Where the agent's state lives: <c>--state-dir</c>, else <c>$SECPLAT_AGENT_STATE_DIR</c>, else the OS default.</summary>
public static class StateDirectory
{
    public const string EnvironmentVariable = "SECPLAT_AGENT_STATE_DIR";

    public static string Resolve(string? fromFlag, Func<string, string?> getEnvironmentVariable, IAgentPlatform platform)
    {
        if (!string.IsNullOrWhiteSpace(fromFlag))
        {
            return Path.GetFullPath(fromFlag);
        }

        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? platform.DefaultStateDirectory : Path.GetFullPath(fromEnvironment);
    }
}
