using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class RegistrationAttemptDocument
{
    public string Id { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string PeerAddress { get; set; } = "";
    public bool Succeeded { get; set; }
    public string Reason { get; set; } = "";
    public string? AgentId { get; set; }
    public string? TenantId { get; set; }
    public DateTimeOffset Time { get; set; }
    public string Sort { get; set; } = "";

    public static RegistrationAttemptDocument From(RegistrationAttempt attempt) => new()
    {
        Id = attempt.Id,
        TokenId = attempt.TokenId,
        PeerAddress = attempt.PeerAddress,
        Succeeded = attempt.Succeeded,
        Reason = attempt.Reason,
        AgentId = attempt.AgentId,
        TenantId = attempt.TenantId,
        Time = attempt.Time,
        Sort = SortKey.Of(attempt.Time, attempt.Id),
    };

    public RegistrationAttempt ToDomain() => new()
    {
        Id = Id,
        TokenId = TokenId,
        PeerAddress = PeerAddress,
        Succeeded = Succeeded,
        Reason = Reason,
        AgentId = AgentId,
        TenantId = TenantId,
        Time = Time,
    };
}
