using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>Filters of a scan list; null or empty means any.</summary>
public sealed record ScanQuery(string TenantId, IReadOnlyCollection<CommandStatus>? Statuses = null, string? Scanner = null, string? Profile = null);
