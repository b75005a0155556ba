using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The result of a renew: the outcome and the lease and agent as they are afterwards; the agent's stop requests when
/// the store read them with the renewal (null: the caller reads them).
/// </summary>
public sealed record LeaseRenewal(LeaseRenewOutcome Outcome, AgentWithLease? Agent, IReadOnlyList<string>? StopRequests = null);
