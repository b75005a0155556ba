namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// A tenant's named, reusable scan: what an enqueue takes (scanner, parameters, target selector, priority, timeout,
/// attempts), validated like an enqueue when it is created. Running it queues a command that records the profile's name.
/// Names are unique per tenant.
/// </summary>
public sealed class ScanProfile
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public required string Scanner { get; init; }
    public Dictionary<string, string> Parameters { get; init; } = [];
    public string? TargetAgentId { get; init; }
    public Dictionary<string, string> SelectorLabels { get; init; } = [];
    /// <summary>Capabilities the agent must have; always includes <see cref="Scanner"/>.</summary>
    public List<string> RequiredCapabilities { get; init; } = [];
    public int Priority { get; init; }
    public required int MaxAttempts { get; init; }
    public required int TimeoutSeconds { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
}
