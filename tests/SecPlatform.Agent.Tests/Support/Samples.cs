using System.Security.Cryptography;
using System.Text;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;
using SecPlatform.Contracts.Agent.V1;
using AgentSeverity = SecPlatform.Agent.Findings.Severity;

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

    /// <summary>A finding on line <paramref name="line"/> of a sample file, with a fingerprint derived from <paramref name="key"/>.</summary>
    public static NormalizedFinding Finding(int line, string key = "", string? message = null) => new(
        Scanner: "shellcheck",
        RuleId: "SC2086",
        Title: "Double quote to prevent globbing and word splitting.",
        Severity: AgentSeverity.Medium,
        Asset: FindingAsset.File("web-1.example", "/srv/app/copy.sh"),
        Host: "web-1.example",
        Location: new FindingLocation(File: "/srv/app/copy.sh", Line: line, Column: 15),
        Message: message ?? "Double quote to prevent globbing and word splitting.",
        Cves: [],
        Cwes: ["CWE-78"],
        Evidence: "cp $f $2",
        Fingerprint: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{key}/{line}"))));

    public static IReadOnlyList<NormalizedFinding> ManyFindings(int count, string key = "") => [.. Enumerable.Range(1, count).Select(i => Finding(i, key))];

    /// <summary>A completion as the command runner records it (the outbox fills in the finding count and time).</summary>
    public static OutboxCompletion Completion(string commandId, long fencingToken = 1, CompletionOutcome outcome = CompletionOutcome.Succeeded) =>
        new(0, commandId, fencingToken, outcome, false, 1, "shellcheck succeeded", "", "log tail", 0, 42, false, default);

    public static AssignedCommand Command(string id, string scanner, string path, long fencingToken = 1, int timeoutSeconds = 0)
    {
        var command = new AssignedCommand { Id = id, TenantId = "tenant000001", Scanner = scanner, FencingToken = fencingToken, Attempt = (int)fencingToken, TimeoutSeconds = timeoutSeconds };
        command.Parameters.Add("path", path);
        return command;
    }
}
