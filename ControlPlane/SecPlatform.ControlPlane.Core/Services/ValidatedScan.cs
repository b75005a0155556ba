using SecPlatform.Contracts.Scanners;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>What a scan runs, checked as an enqueue checks it, with the defaults applied.</summary>
internal sealed record ValidatedScan(
    ScannerSpec Spec,
    Dictionary<string, string> Parameters,
    string? AgentId,
    Dictionary<string, string> Labels,
    List<string> Capabilities,
    int Priority,
    int MaxAttempts,
    int TimeoutSeconds);
