namespace SecPlatform.ControlPlane.Core.Domain;

public sealed class Tenant
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
