namespace SecPlatform.Agent.Cli;

/// <summary>What <c>status</c> shows (JSON field names in lowerCamelCase). Holds no secret by construction: the key is not a member.</summary>
public sealed record AgentStatusView(
    string AgentId,
    string Name,
    string Hostname,
    string Server,
    string? TenantId,
    bool Platform,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<CapabilityView> Capabilities,
    DateTimeOffset RegisteredAt,
    string StateDirectory,
    LeaseStatusView? Lease,
    OutboxStatusView? Outbox = null,
    string? ServerPin = null);
