using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Policy;

/// <summary>Reads the policy from the agent's local state (<c>policy set</c> changes it while the daemon runs).</summary>
public sealed class StoredAgentPolicySource(AgentStateStore store) : IAgentPolicySource
{
    public AgentPolicy Current() => store.GetPolicy();
}
