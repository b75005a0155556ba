using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>Builds domain objects for storage tests. Times are whole milliseconds after a fixed UTC start, which every provider keeps exactly.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int milliseconds) => Start.AddMilliseconds(milliseconds);

    public static Tenant NewTenant(string? name = null, DateTimeOffset? createdAt = null)
    {
        var id = SecretToken.NewId();
        return new Tenant { Id = id, Name = name ?? $"tenant-{id}", CreatedAt = createdAt ?? Start };
    }

    public static AdminUser NewAdmin(string? tenantId, DateTimeOffset? createdAt = null, AdminRole role = AdminRole.OpsAdmin)
    {
        var id = SecretToken.NewId();
        return new AdminUser
        {
            Id = id,
            Name = $"admin-{id}",
            Role = role,
            TenantId = tenantId,
            KeyHash = $"$2a$11${id}",
            CreatedAt = createdAt ?? Start,
        };
    }

    public static BootstrapToken NewToken(
        string? tenantId,
        DateTimeOffset? createdAt = null,
        int maxUses = 1,
        TimeSpan? lifetime = null,
        string? secretHash = null)
    {
        var created = createdAt ?? Start;
        return new BootstrapToken
        {
            Id = SecretToken.NewId(),
            TenantId = tenantId,
            SecretHash = secretHash ?? SecretHash.Sha256Hex(SecretToken.Create(SecretKind.BootstrapToken).Secret),
            CreatedAt = created,
            ExpiresAt = created + (lifetime ?? TimeSpan.FromHours(1)),
            MaxUses = maxUses,
            Labels = new Dictionary<string, string> { ["env"] = "test", ["Env"] = "Upper" },
            Cidrs = ["10.0.0.0/8", "2001:db8::/32"],
            CreatedBy = "admin-test",
        };
    }

    /// <summary>A registration with the token as given: a not-yet-held lease, one key, one successful attempt.</summary>
    public static NewAgentRegistration NewRegistration(BootstrapToken token, DateTimeOffset now, string? keySecretHash = null)
    {
        var agentId = SecretToken.NewId();
        var agent = new Agent
        {
            Id = agentId,
            Name = $"agent-{agentId}",
            Hostname = $"host-{agentId}.example.test",
            Os = "linux",
            Arch = "x64",
            Version = "0.1.0",
            TenantId = token.TenantId,
            Labels = new Dictionary<string, string>(token.Labels) { ["role"] = "scanner" },
            Capabilities = [new Capability { Scanner = "shellcheck", Version = "0.9.0" }, new Capability { Scanner = "nmap", Version = "7.93" }],
            RegisteredAt = now,
            BootstrapTokenId = token.Id,
        };
        var key = new AgentKey
        {
            Id = SecretToken.NewId(),
            AgentId = agentId,
            SecretHash = keySecretHash ?? SecretHash.Sha256Hex(SecretToken.Create(SecretKind.AgentKey).Secret),
            CreatedAt = now,
        };
        var lease = new Lease { AgentId = agentId, LeaseDurationSeconds = 40 };
        var attempt = NewAttempt(token.Id, token.TenantId, now, succeeded: true, agentId: agentId);
        return new NewAgentRegistration(agent, key, lease, attempt, now);
    }

    public static RegistrationAttempt NewAttempt(string tokenId, string? tenantId, DateTimeOffset time, bool succeeded = false, string? agentId = null) =>
        new()
        {
            Id = SecretToken.NewId(),
            TokenId = tokenId,
            PeerAddress = "192.0.2.10",
            Succeeded = succeeded,
            Reason = succeeded ? "" : "token not usable",
            AgentId = agentId,
            TenantId = tenantId,
            Time = time,
        };

    public static AgentKey NewKey(string agentId, DateTimeOffset createdAt) =>
        new()
        {
            Id = SecretToken.NewId(),
            AgentId = agentId,
            SecretHash = SecretHash.Sha256Hex(SecretToken.Create(SecretKind.AgentKey).Secret),
            CreatedAt = createdAt,
        };

    public static AuditEntry NewAuditEntry(DateTimeOffset time, string? tenantId, string detail = "") =>
        new(time, "admin-test", "tenants.create", "tenant", SecretToken.NewId(), tenantId, "ok", "198.51.100.7", detail);
}
