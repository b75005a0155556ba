namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// An agent asks for up to <see cref="Max"/> commands. Eligible: queued, available and not expired at
/// <see cref="Now"/>; of the agent's tenant (any tenant when <see cref="TenantId"/> is null: a platform
/// agent); targeted at this agent or at nobody; selector labels a subset of <see cref="Labels"/>; required
/// capabilities a subset of <see cref="Capabilities"/>. Tenants take turns (the least recently served
/// first); within a tenant, the lowest sort key first.
/// </summary>
public sealed record ClaimRequest(
    string AgentId,
    string? TenantId,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyCollection<string> Capabilities,
    string HolderIdentity,
    int Max,
    DateTimeOffset Now);
