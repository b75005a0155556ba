using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// A renew by <see cref="HolderIdentity"/>. With <see cref="Acquire"/> (first renew of a process) a new
/// holder takes the lease over; without it, only the current holder may renew.
/// <see cref="Version"/> and <see cref="Capabilities"/>, when given, update the agent record.
/// With <see cref="StopRequestsFinishedAfter"/> the store may also read the agent's stop requests (as
/// <see cref="ICommandQueueStore.GetStopRequestsAsync"/> would) in the same round trip, into <see cref="LeaseRenewal.StopRequests"/>.
/// </summary>
public sealed record LeaseRenewRequest(
    string AgentId,
    string HolderIdentity,
    bool Acquire,
    int LeaseDurationSeconds,
    DateTimeOffset Now,
    string? Version = null,
    IReadOnlyList<Capability>? Capabilities = null,
    DateTimeOffset? StopRequestsFinishedAfter = null);
