namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// Something a tenant's findings are on, created on first sight by the findings ingest. One per (tenant, kind,
/// normalized value): for network and repository kinds the value is the host, address, URL or repository; a path
/// asset's value is <c>host:/absolute/path</c> and <see cref="Host"/> names the host it belongs to.
/// </summary>
public sealed class Asset
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Kind { get; init; }
    public required string Value { get; init; }
    /// <summary>The host a path asset belongs to; empty for other kinds.</summary>
    public string Host { get; init; } = "";
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
}
