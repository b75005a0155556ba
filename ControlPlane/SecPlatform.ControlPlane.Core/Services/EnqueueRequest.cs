namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// An admin's request to queue a scan (transport-neutral; zero means "default" for the numbers). With <see cref="Profile"/>
/// the scan comes from that profile of the tenant, and only the scheduling fields (not before, expiry, idempotency key) may be given.
/// </summary>
public sealed record EnqueueRequest(
    string? Tenant,
    string? Scanner,
    IReadOnlyDictionary<string, string> Parameters,
    string? AgentId,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> RequiredCapabilities,
    int Priority,
    int MaxAttempts,
    int TimeoutSeconds,
    DateTimeOffset? NotBefore,
    long ExpiresInSeconds,
    string? IdempotencyKey,
    string? Profile = null);
