using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>Filters of a command list; null or empty means any.</summary>
public sealed record CommandQuery(string? TenantId = null, IReadOnlyCollection<CommandStatus>? Statuses = null, string? AgentId = null);
