using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>The result of a renew: the outcome and the lease and agent as they are afterwards.</summary>
public sealed record LeaseRenewal(LeaseRenewOutcome Outcome, AgentWithLease? Agent);
