using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// A tenant's finding, one per (tenant, fingerprint). Besides its own fields it carries two derived keys, set once
/// at creation (tenant, fingerprint and first seen never change): <see cref="TenantFingerprint"/>, unique, and
/// <see cref="TenantSort"/>, so one index range is a tenant's findings in list order; and <see cref="ScanScope"/>
/// (tenant, scanner, host), kept with the observed fields, which a clean run's resolution walks.
/// </summary>
internal sealed class FindingDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public ObservedFindingDocument Observed { get; set; } = new();
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public long Occurrences { get; set; }
    public string LastCommandId { get; set; } = "";
    public string Status { get; set; } = FindingStatus.Open;
    public string AssetId { get; set; } = "";

    /// <summary>The list order: (first seen, id).</summary>
    public string Sort { get; set; } = "";

    /// <summary>Tenant id and fingerprint: the finding's natural key.</summary>
    public string TenantFingerprint { get; set; } = "";

    /// <summary>Tenant id and <see cref="Sort"/>.</summary>
    public string TenantSort { get; set; } = "";

    /// <summary>Tenant id, scanner and host: the findings one run of a scanner on a host covers.</summary>
    public string ScanScope { get; set; } = "";

    public static string ScopeOf(string tenantId, string scanner, string host) => CompositeKey.Prefix(tenantId, scanner, host);

    public static string KeyOf(string tenantId, string fingerprint) => CompositeKey.Prefix(tenantId) + fingerprint;

    /// <summary>The first key of the tenant's range in <see cref="TenantSort"/>; each key is this followed by a sort key.</summary>
    public static string TenantPrefix(string tenantId) => CompositeKey.Prefix(tenantId);

    /// <summary>A finding seen for the first time, at <paramref name="now"/> by <paramref name="commandId"/>.</summary>
    public static FindingDocument New(string id, string tenantId, ObservedFinding observed, string commandId, DateTimeOffset now)
    {
        var sort = SortKey.Of(now, id);
        return new FindingDocument
        {
            Id = id,
            TenantId = tenantId,
            Observed = ObservedFindingDocument.From(observed),
            FirstSeen = now,
            LastSeen = now,
            Occurrences = 1,
            LastCommandId = commandId,
            Status = FindingStatus.Open,
            Sort = sort,
            TenantFingerprint = KeyOf(tenantId, observed.Fingerprint),
            TenantSort = TenantPrefix(tenantId) + sort,
            ScanScope = ScopeOf(tenantId, observed.Scanner, observed.Host),
        };
    }

    /// <summary>
    /// Another run saw it: what it reported now replaces the earlier report. A resolved finding reopens (returns the
    /// status it had, to be recorded); every other status stays, an admin's triage included.
    /// </summary>
    public string? SeenAgain(ObservedFinding observed, string commandId, DateTimeOffset now)
    {
        Observed = ObservedFindingDocument.From(observed);
        LastSeen = now;
        Occurrences++;
        LastCommandId = commandId;
        ScanScope = ScopeOf(TenantId, observed.Scanner, observed.Host);
        if (Status != FindingStatus.Resolved)
        {
            return null;
        }

        Status = FindingStatus.Reopened;
        return FindingStatus.Resolved;
    }

    public Finding ToDomain() => new()
    {
        Id = Id,
        TenantId = TenantId,
        Observed = Observed.ToDomain(),
        FirstSeen = FirstSeen,
        LastSeen = LastSeen,
        Occurrences = Occurrences,
        LastCommandId = LastCommandId,
        Status = Status,
        AssetId = AssetId,
    };
}
