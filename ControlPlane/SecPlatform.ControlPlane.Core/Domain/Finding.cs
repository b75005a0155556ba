namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>A tenant's finding, one per (tenant, fingerprint): what was observed most recently, and when.</summary>
public sealed class Finding
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required ObservedFinding Observed { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    /// <summary>How many runs observed it.</summary>
    public long Occurrences { get; init; }
    public required string LastCommandId { get; init; }
    public string Status { get; init; } = "open";
    /// <summary>The asset it is on (created on first sight); empty for findings stored before assets existed.</summary>
    public string AssetId { get; init; } = "";
}
