namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class RegistrationAttemptEntity
{
    public string Id { get; set; } = "";
    public string? TenantId { get; set; }
    /// <summary>As presented: may name no token at all, so no foreign key.</summary>
    public string TokenId { get; set; } = "";
    public string PeerAddress { get; set; } = "";
    public bool Succeeded { get; set; }
    public string Reason { get; set; } = "";
    public string? AgentId { get; set; }
    public DateTimeOffset Time { get; set; }
}
