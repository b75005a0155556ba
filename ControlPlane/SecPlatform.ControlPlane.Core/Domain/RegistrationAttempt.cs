namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>One registration attempt, failed or not: the registrations trail (not the admin audit chain).</summary>
public sealed class RegistrationAttempt
{
    public required string Id { get; init; }
    /// <summary>The token id as presented (may be unknown, or empty for garbage).</summary>
    public string TokenId { get; init; } = "";
    public string PeerAddress { get; init; } = "";
    public required bool Succeeded { get; init; }
    public string Reason { get; init; } = "";
    public string? AgentId { get; init; }
    public string? TenantId { get; init; }
    public required DateTimeOffset Time { get; init; }
}
