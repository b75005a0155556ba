namespace SecPlatform.Agent.State;

/// <summary>The local state could not be read or written (permissions, disk, a corrupt file).</summary>
public sealed class AgentStateException(string message, Exception? inner = null) : Exception(message, inner);
