namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>A tenant's finding, one row per (tenant_id, fingerprint). Written by the set-based ingest only.</summary>
internal sealed class FindingEntity
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string Scanner { get; set; } = "";
    public string RuleId { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>The lowercase word (<c>info</c>, <c>low</c>, ...), as users and reports see it.</summary>
    public string Severity { get; set; } = "";
    /// <summary>1 (info) to 5 (critical), generated from <see cref="Severity"/>: what severity sorts and its index use.</summary>
    public int SeverityRank { get; set; }
    public string AssetKind { get; set; } = "";
    public string AssetValue { get; set; } = "";
    public string Host { get; set; } = "";
    public string File { get; set; } = "";
    public int Line { get; set; }
    public int Column { get; set; }
    public int Port { get; set; }
    public string Protocol { get; set; } = "";
    public string Message { get; set; } = "";
    public List<string> Cves { get; set; } = [];
    public List<string> Cwes { get; set; } = [];
    public string Evidence { get; set; } = "";
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public long Occurrences { get; set; }
    public string LastCommandId { get; set; } = "";
    public string Status { get; set; } = "";
    /// <summary>Null for findings stored before assets existed.</summary>
    public string? AssetId { get; set; }
}
