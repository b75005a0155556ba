namespace SecPlatform.Agent.Cli;

/// <summary>The lease part of <see cref="AgentStatusView"/>: the last renew this machine recorded.</summary>
public sealed record LeaseStatusView(
    string HolderIdentity,
    DateTimeOffset LastRenewAt,
    DateTimeOffset LastRenewSentAt,
    DateTimeOffset? ServerRenewTime,
    int LeaseDurationSeconds,
    int RenewIntervalSeconds,
    long Transitions,
    bool Drain,
    bool Cordoned);
