using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

public sealed class TenantManager(IControlPlaneStore store, AuditLog audit, TimeProvider time)
{
    public async Task<Tenant> CreateAsync(AdminPrincipal caller, string? name, CancellationToken cancellationToken)
    {
        Permissions.RequireSuperAdmin(caller, "create tenants");
        Permissions.RequirePlatformAdmin(caller, "create tenants");
        var tenant = new Tenant { Id = SecretToken.NewId(), Name = Validate.TenantName(name), CreatedAt = time.GetUtcNow() };
        try
        {
            await store.CreateTenantAsync(tenant, cancellationToken);
        }
        catch (StoreConflictException)
        {
            throw new DomainException(ErrorKind.AlreadyExists, $"a tenant named '{tenant.Name}' exists already");
        }

        await audit.RecordAsync(caller, "tenant.create", "tenant", tenant.Id, tenant.Id, AuditLog.Succeeded, $"name={tenant.Name}", cancellationToken);
        return tenant;
    }

    /// <summary>Finds a tenant by name or id that the caller may see; NotFound otherwise.</summary>
    public async Task<Tenant> ResolveAsync(AdminPrincipal caller, string? nameOrId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(nameOrId))
        {
            throw DomainException.Invalid("tenant is required (a tenant name or id)");
        }

        var tenant = await store.FindTenantByNameAsync(nameOrId, cancellationToken);
        if (tenant is null && SecretToken.IsValidId(nameOrId))
        {
            tenant = await store.GetTenantAsync(nameOrId, cancellationToken);
        }

        if (tenant is null || !caller.CanSee(tenant.Id))
        {
            throw DomainException.NotFound("tenant", nameOrId);
        }

        return tenant;
    }

    public Task<IReadOnlyList<Tenant>> ListAsync(AdminPrincipal caller, PageRequest page, CancellationToken cancellationToken) =>
        store.ListTenantsAsync(caller.TenantId, page, cancellationToken);
}
