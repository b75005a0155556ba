using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>What the server tells an agent after a renew: its lease, when to renew again, and what it wants (drain, stop these commands).</summary>
public sealed record LeaseAnswer(Lease? Lease, int LeaseDurationSeconds, int NextRenewSeconds, bool Drain, bool Cordoned, bool Revoked,
    IReadOnlyList<string> StopCommandIds);
