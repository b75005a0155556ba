namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>A normalized finding as an agent reports it for one run (no tenant, id or history yet).</summary>
public sealed class ObservedFinding
{
    public required string Fingerprint { get; init; }
    public required string Scanner { get; init; }
    public required string RuleId { get; init; }
    public string Title { get; init; } = "";
    public required Severity Severity { get; init; }
    public required string AssetKind { get; init; }
    public required string AssetValue { get; init; }
    public string Host { get; init; } = "";
    public string File { get; init; } = "";
    public int Line { get; init; }
    public int Column { get; init; }
    public int Port { get; init; }
    public string Protocol { get; init; } = "";
    public string Message { get; init; } = "";
    public List<string> Cves { get; init; } = [];
    public List<string> Cwes { get; init; } = [];
    public string Evidence { get; init; } = "";
}
