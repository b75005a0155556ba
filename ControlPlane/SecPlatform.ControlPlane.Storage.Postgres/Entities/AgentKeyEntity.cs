namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class AgentKeyEntity
{
    public string Id { get; set; } = "";
    public string AgentId { get; set; } = "";
    /// <summary>Copied from the agent: every tenant-owned row carries its tenant.</summary>
    public string? TenantId { get; set; }
    public string SecretHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}
