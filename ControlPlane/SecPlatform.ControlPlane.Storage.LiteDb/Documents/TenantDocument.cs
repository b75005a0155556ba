using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class TenantDocument
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string Sort { get; set; } = "";

    public static TenantDocument From(Tenant tenant) => new()
    {
        Id = tenant.Id,
        Name = tenant.Name,
        CreatedAt = tenant.CreatedAt,
        Sort = SortKey.Of(tenant.CreatedAt, tenant.Id),
    };

    public Tenant ToDomain() => new() { Id = Id, Name = Name, CreatedAt = CreatedAt };
}
