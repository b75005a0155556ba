namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

internal sealed class TenantEntity
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
