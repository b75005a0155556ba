using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// A renew by <see cref="HolderIdentity"/>. With <see cref="Acquire"/> (first renew of a process) a new
/// holder takes the lease over; without it, only the current holder may renew.
/// <see cref="Version"/> and <see cref="Capabilities"/>, when given, update the agent record.
/// </summary>
public sealed record LeaseRenewRequest(
    string AgentId,
    string HolderIdentity,
    bool Acquire,
    int LeaseDurationSeconds,
    DateTimeOffset Now,
    string? Version = null,
    IReadOnlyList<Capability>? Capabilities = null);
