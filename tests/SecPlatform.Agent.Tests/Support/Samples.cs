using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Sample state records for tests.</summary>
public static class Samples
{
    public static AgentIdentity Identity(string agentId = "agent0000001") => new(
        AgentId: agentId,
        AgentKey: Secrets.AgentKey(),
        Server: new Uri("http://127.0.0.1:5080/"),
        Name: "web-1",
        Hostname: "web-1.example",
        TenantId: "tenant000001",
        Platform: false,
        Labels: new Dictionary<string, string> { ["env"] = "prod", ["team"] = "blue" },
        Capabilities: [new ScannerCapability("nmap", "7.93"), new ScannerCapability("shellcheck", "0.9.0")],
        LeaseDurationSeconds: 40,
        RenewIntervalSeconds: 10,
        RegisteredAt: new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero));

    public static LeaseState Lease() => new(
        HolderIdentity: "web-1/4242/abcdef012345",
        LastRenewSentAt: new DateTimeOffset(2026, 3, 1, 12, 0, 10, 0, TimeSpan.Zero),
        LastRenewAt: new DateTimeOffset(2026, 3, 1, 12, 0, 10, 25, TimeSpan.Zero),
        ServerRenewTime: new DateTimeOffset(2026, 3, 1, 12, 0, 9, 990, TimeSpan.Zero),
        LeaseDurationSeconds: 40,
        RenewIntervalSeconds: 10,
        Transitions: 3,
        Drain: true,
        Cordoned: false);
}
