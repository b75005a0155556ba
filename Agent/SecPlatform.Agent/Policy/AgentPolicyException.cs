namespace SecPlatform.Agent.Policy;

/// <summary>A local policy option was malformed; the message says which and how to write it.</summary>
public sealed class AgentPolicyException(string message) : Exception(message);
