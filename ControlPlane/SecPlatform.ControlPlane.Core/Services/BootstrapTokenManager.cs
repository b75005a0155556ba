using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>Issues, lists and revokes bootstrap tokens. The raw token is returned once; only SHA-256(secret) is kept.</summary>
public sealed class BootstrapTokenManager(IControlPlaneStore store, TenantManager tenants, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(7);
    public const int MaxUsesLimit = 10_000;

    public sealed record CreateRequest(string? Tenant, bool Platform, TimeSpan? Ttl, int? MaxUses,
        IEnumerable<KeyValuePair<string, string>> Labels, IEnumerable<string> Cidrs);

    public async Task<(BootstrapToken Token, SecretToken Secret)> CreateAsync(AdminPrincipal caller, CreateRequest request, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "create bootstrap tokens");
        var hasTenant = !string.IsNullOrWhiteSpace(request.Tenant);
        if (hasTenant == request.Platform)
        {
            throw DomainException.Invalid("give exactly one scope: a tenant (name or id) or platform");
        }

        string? tenantId = null;
        if (request.Platform)
        {
            Permissions.RequirePlatformAdmin(caller, "create platform tokens");
        }
        else
        {
            tenantId = (await tenants.ResolveAsync(caller, request.Tenant, cancellationToken)).Id;
        }

        var ttl = request.Ttl ?? DefaultTtl;
        if (ttl <= TimeSpan.Zero || ttl > MaxTtl)
        {
            throw DomainException.Invalid("ttl must be more than 0 and at most 7 days (604800 seconds)");
        }

        var maxUses = request.MaxUses ?? 1;
        if (maxUses is < 1 or > MaxUsesLimit)
        {
            throw DomainException.Invalid($"max uses must be between 1 and {MaxUsesLimit}");
        }

        var labels = Validate.Labels(request.Labels);
        var cidrs = Validate.Cidrs(request.Cidrs);
        var secret = SecretToken.Create(SecretKind.BootstrapToken);
        var now = time.GetUtcNow();
        var token = new BootstrapToken
        {
            Id = secret.Id,
            TenantId = tenantId,
            SecretHash = SecretHash.Sha256Hex(secret.Secret),
            CreatedAt = now,
            ExpiresAt = now + ttl,
            MaxUses = maxUses,
            Labels = labels,
            Cidrs = cidrs,
            CreatedBy = caller.AdminId,
        };
        await store.CreateBootstrapTokenAsync(token, cancellationToken);
        await audit.RecordAsync(caller, "token.create", "bootstrap_token", token.Id, tenantId, AuditLog.Succeeded,
            $"scope={(tenantId ?? "platform")} max_uses={maxUses} ttl={(long)ttl.TotalSeconds}s", cancellationToken);
        return (token, secret);
    }

    public async Task<IReadOnlyList<BootstrapToken>> ListAsync(AdminPrincipal caller, string? tenant, PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        return await store.ListBootstrapTokensAsync(tenantId, page, cancellationToken);
    }

    public async Task<BootstrapToken> RevokeAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "revoke bootstrap tokens");
        var tokenId = Validate.Id("id", id);
        var token = await store.GetBootstrapTokenAsync(tokenId, cancellationToken);
        if (token is null || !caller.CanSee(token.TenantId) || (token.IsPlatform && caller.IsTenantBound))
        {
            throw DomainException.NotFound("bootstrap token", tokenId);
        }

        var revoked = await store.RevokeBootstrapTokenAsync(tokenId, time.GetUtcNow(), cancellationToken)
            ?? throw DomainException.NotFound("bootstrap token", tokenId);
        await audit.RecordAsync(caller, "token.revoke", "bootstrap_token", tokenId, token.TenantId, AuditLog.Succeeded, "", cancellationToken);
        return revoked;
    }
}
