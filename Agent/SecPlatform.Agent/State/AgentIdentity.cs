using SecPlatform.Contracts.Secrets;
using SecPlatform.Agent.Scanners;

namespace SecPlatform.Agent.State;

/// <summary>
/// Who this agent is, as the control plane answered at registration. <see cref="AgentKey"/> prints
/// masked (<see cref="SecretToken.ToString"/>), so logging this record never leaks the key.
/// </summary>
public sealed record AgentIdentity(
    string AgentId,
    SecretToken AgentKey,
    Uri Server,
    string Name,
    string Hostname,
    string? TenantId,
    bool Platform,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ScannerCapability> Capabilities,
    int LeaseDurationSeconds,
    int RenewIntervalSeconds,
    DateTimeOffset RegisteredAt);
