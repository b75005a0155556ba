using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Everything a successful registration writes, in one transaction: a use of the token
/// (<see cref="Agent"/>.BootstrapTokenId), the agent, its key, its lease and the attempt record.
/// </summary>
public sealed record NewAgentRegistration(Agent Agent, AgentKey Key, Lease Lease, RegistrationAttempt Attempt, DateTimeOffset Now);
