using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class AgentKeyDocument
{
    public string Id { get; set; } = "";
    public string AgentId { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    public static AgentKeyDocument From(AgentKey key) => new()
    {
        Id = key.Id,
        AgentId = key.AgentId,
        SecretHash = key.SecretHash,
        CreatedAt = key.CreatedAt,
        ExpiresAt = key.ExpiresAt,
    };

    public AgentKey ToDomain() => new()
    {
        Id = Id,
        AgentId = AgentId,
        SecretHash = SecretHash,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
    };
}
