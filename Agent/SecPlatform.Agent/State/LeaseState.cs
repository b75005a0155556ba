namespace SecPlatform.Agent.State;

/// <summary>
/// The lease as this agent last saw it. Times come from the local clock (except
/// <see cref="ServerRenewTime"/>): they tell an operator how fresh the view is, the server decides expiry.
/// </summary>
public sealed record LeaseState(
    string HolderIdentity,
    DateTimeOffset LastRenewSentAt,
    DateTimeOffset LastRenewAt,
    DateTimeOffset? ServerRenewTime,
    int LeaseDurationSeconds,
    int RenewIntervalSeconds,
    long Transitions,
    bool Drain,
    bool Cordoned);
