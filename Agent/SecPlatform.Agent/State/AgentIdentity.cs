using SecPlatform.Contracts.Secrets;
using SecPlatform.Agent.Scanners;

namespace SecPlatform.Agent.State;

/// <summary>
/// Who this agent is, as the control plane answered at registration. <see cref="AgentKey"/> prints
/// masked (<see cref="SecretToken.ToString"/>), so logging this record never leaks the key.
/// <see cref="ServerPin"/> is the pin of the control plane's TLS key given at registration (<c>--pin</c>); every later
/// connection requires it. Null: no pin (plain http on loopback, or https trusted through the system's CAs).
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
    DateTimeOffset RegisteredAt,
    string? ServerPin = null);
