namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>An agent's reference to a command it holds: the command, the agent, and the fencing token of its claim.</summary>
public sealed record CommandRef(string CommandId, string AgentId, long FencingToken);
