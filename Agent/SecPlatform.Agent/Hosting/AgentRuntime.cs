using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Platform;

namespace SecPlatform.Agent.Hosting;

/// <summary>
/// What the verbs take from the world outside the process: the OS, the machine, the clock, the
/// environment and the way to the control plane. Tests give their own.
/// </summary>
public sealed record AgentRuntime(
    IAgentPlatform Platform,
    MachineFacts Machine,
    TimeProvider TimeProvider,
    Func<string, string?> GetEnvironmentVariable,
    IAgentGatewayFactory GatewayFactory)
{
    public static AgentRuntime CreateDefault()
    {
        var platform = AgentPlatforms.Current;
        return new AgentRuntime(
            platform,
            MachineFacts.Detect(platform),
            TimeProvider.System,
            Environment.GetEnvironmentVariable,
            new GrpcAgentGatewayFactory(TimeProvider.System));
    }
}
