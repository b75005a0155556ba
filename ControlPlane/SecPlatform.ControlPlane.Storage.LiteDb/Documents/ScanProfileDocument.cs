using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>A scan profile; <see cref="TenantName"/> (tenant id and name) is unique, <see cref="TenantSort"/> one tenant's list range.</summary>
internal sealed class ScanProfileDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Scanner { get; set; } = "";
    public List<LabelDocument> Parameters { get; set; } = [];
    public string? TargetAgentId { get; set; }
    public List<LabelDocument> SelectorLabels { get; set; } = [];
    public List<string> RequiredCapabilities { get; set; } = [];
    public int Priority { get; set; }
    public int MaxAttempts { get; set; }
    public int TimeoutSeconds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Sort { get; set; } = "";
    public string TenantName { get; set; } = "";
    public string TenantSort { get; set; } = "";

    public static string KeyOf(string tenantId, string name) => CompositeKey.Prefix(tenantId) + name;

    public static ScanProfileDocument From(ScanProfile p)
    {
        var sort = SortKey.Of(p.CreatedAt, p.Id);
        return new ScanProfileDocument
        {
            Id = p.Id,
            TenantId = p.TenantId,
            Name = p.Name,
            Description = p.Description,
            Scanner = p.Scanner,
            Parameters = LabelDocument.FromDictionary(p.Parameters),
            TargetAgentId = p.TargetAgentId,
            SelectorLabels = LabelDocument.FromDictionary(p.SelectorLabels),
            RequiredCapabilities = [.. p.RequiredCapabilities],
            Priority = p.Priority,
            MaxAttempts = p.MaxAttempts,
            TimeoutSeconds = p.TimeoutSeconds,
            CreatedAt = p.CreatedAt,
            CreatedBy = p.CreatedBy,
            Sort = sort,
            TenantName = KeyOf(p.TenantId, p.Name),
            TenantSort = CompositeKey.Prefix(p.TenantId) + sort,
        };
    }

    public ScanProfile ToDomain() => new()
    {
        Id = Id,
        TenantId = TenantId,
        Name = Name,
        Description = Description,
        Scanner = Scanner,
        Parameters = LabelDocument.ToDictionary(Parameters),
        TargetAgentId = TargetAgentId,
        SelectorLabels = LabelDocument.ToDictionary(SelectorLabels),
        RequiredCapabilities = [.. RequiredCapabilities],
        Priority = Priority,
        MaxAttempts = MaxAttempts,
        TimeoutSeconds = TimeoutSeconds,
        CreatedAt = CreatedAt,
        CreatedBy = CreatedBy,
    };
}
