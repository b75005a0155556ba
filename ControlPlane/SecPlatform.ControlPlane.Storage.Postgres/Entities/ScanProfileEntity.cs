namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>A tenant's scan profile, unique per (tenant_id, name).</summary>
internal sealed class ScanProfileEntity
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Scanner { get; set; } = "";
    /// <summary>jsonb object of parameter name to value.</summary>
    public string Parameters { get; set; } = "{}";
    public string? TargetAgentId { get; set; }
    public string SelectorLabels { get; set; } = "{}";
    public List<string> RequiredCapabilities { get; set; } = [];
    public int Priority { get; set; }
    public int MaxAttempts { get; set; }
    public int TimeoutSeconds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}
