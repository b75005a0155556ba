namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class AgentEntity
{
    public string Id { get; set; } = "";
    public string? TenantId { get; set; }
    public string Name { get; set; } = "";
    public string Hostname { get; set; } = "";
    public string Os { get; set; } = "";
    public string Arch { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>jsonb object of label name to value.</summary>
    public string Labels { get; set; } = "{}";
    /// <summary>jsonb array of <c>{"scanner", "version"}</c>.</summary>
    public string Capabilities { get; set; } = "[]";
    public DateTimeOffset RegisteredAt { get; set; }
    public string BootstrapTokenId { get; set; } = "";
    public bool Cordoned { get; set; }
    public bool Draining { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? DeregisteredAt { get; set; }
    public AgentLeaseEntity? Lease { get; set; }
}
