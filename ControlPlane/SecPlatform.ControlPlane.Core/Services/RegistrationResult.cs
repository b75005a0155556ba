using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>A registered agent and its key (shown once).</summary>
public sealed record RegistrationResult(Agent Agent, SecretToken Key, Lease Lease);
