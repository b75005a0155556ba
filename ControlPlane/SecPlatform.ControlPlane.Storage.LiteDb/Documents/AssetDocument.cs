using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// A tenant's asset, one per (tenant, kind, normalized value): <see cref="TenantKindValue"/> is that key, unique;
/// <see cref="TenantSort"/> makes one index range of a tenant's assets in list order (first seen, id).
/// </summary>
internal sealed class AssetDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";
    public string Host { get; set; } = "";
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public List<LabelDocument> Labels { get; set; } = [];
    /// <summary>The labels as <c>key=value</c> strings (keys hold no '='), which a label selector compares with.</summary>
    public List<string> LabelPairs { get; set; } = [];
    public string Sort { get; set; } = "";
    public string TenantKindValue { get; set; } = "";
    public string TenantSort { get; set; } = "";

    // The value may hold the separator (a URL, a path): it is the last part, so keys still never run into each other.
    public static string KeyOf(string tenantId, string kind, string value) => CompositeKey.Prefix(tenantId, kind) + value;

    public static AssetDocument New(string id, string tenantId, string kind, string value, string host, DateTimeOffset now)
    {
        var sort = SortKey.Of(now, id);
        return new AssetDocument
        {
            Id = id,
            TenantId = tenantId,
            Kind = kind,
            Value = value,
            Host = host,
            FirstSeen = now,
            LastSeen = now,
            Sort = sort,
            TenantKindValue = KeyOf(tenantId, kind, value),
            TenantSort = CompositeKey.Prefix(tenantId) + sort,
        };
    }

    public static string PairOf(string key, string value) => key + "=" + value;

    public void SetLabels(IReadOnlyDictionary<string, string> labels)
    {
        Labels = LabelDocument.FromDictionary(labels);
        LabelPairs = [.. Labels.Select(l => PairOf(l.Key, l.Value))];
    }

    public Asset ToDomain() => new()
    {
        Id = Id,
        TenantId = TenantId,
        Kind = Kind,
        Value = Value,
        Host = Host,
        FirstSeen = FirstSeen,
        LastSeen = LastSeen,
        Labels = LabelDocument.ToDictionary(Labels),
    };
}
