namespace SecPlatform.Agent.Policy;

/// <summary>Where the engine reads the local policy from, at every scan, so a narrowed policy applies at once.</summary>
public interface IAgentPolicySource
{
    AgentPolicy Current();
}
