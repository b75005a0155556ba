using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

public sealed record QueueDepth(string TenantId, CommandStatus Status, long Count);
