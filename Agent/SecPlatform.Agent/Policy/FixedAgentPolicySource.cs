namespace SecPlatform.Agent.Policy;

/// <summary>A policy given once (tests, tools).</summary>
public sealed class FixedAgentPolicySource(AgentPolicy policy) : IAgentPolicySource
{
    public AgentPolicy Current() => policy;
}
