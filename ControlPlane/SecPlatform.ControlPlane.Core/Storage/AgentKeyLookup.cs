using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>An agent key with the live agent it belongs to and its lease: what authenticates an agent call.</summary>
public sealed record AgentKeyLookup(AgentKey Key, AgentWithLease Agent);
