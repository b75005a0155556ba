using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Scan profiles (created, listed, read, deleted; run through <see cref="CommandQueueService.EnqueueAsync"/>) and scan
/// records, always in one tenant's scope: another tenant's profile or scan looks exactly like an unknown one.
/// </summary>
public sealed class ScanService(IScanStore scans, CommandQueueService queue, TenantManager tenants, AuditLog audit, TimeProvider time)
{
    /// <summary>Creates a profile, validated exactly as an enqueue of the same scan would be.</summary>
    public async Task<ScanProfile> CreateProfileAsync(AdminPrincipal caller, ScanProfileRequest request, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "create scan profiles");
        var tenant = await TenantAsync(caller, request.Tenant, cancellationToken);
        var name = Validate.ProfileName(request.Name);
        var description = Validate.Text("description", request.Description, 500, required: false);
        var scan = await queue.ValidateAsync(caller, tenant, request.Scanner, request.Parameters, request.AgentId, request.Labels,
            request.RequiredCapabilities, request.Priority, request.MaxAttempts, request.TimeoutSeconds, cancellationToken);
        var profile = new ScanProfile
        {
            Id = SecretToken.NewId(),
            TenantId = tenant.Id,
            Name = name,
            Description = description,
            Scanner = scan.Spec.Id,
            Parameters = scan.Parameters,
            TargetAgentId = scan.AgentId,
            SelectorLabels = scan.Labels,
            RequiredCapabilities = scan.Capabilities,
            Priority = scan.Priority,
            MaxAttempts = scan.MaxAttempts,
            TimeoutSeconds = scan.TimeoutSeconds,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = caller.AdminId,
        };
        try
        {
            await scans.CreateScanProfileAsync(profile, cancellationToken);
        }
        catch (StoreConflictException)
        {
            throw new DomainException(ErrorKind.AlreadyExists, $"tenant '{tenant.Name}' has a scan profile named '{name}' already");
        }

        await audit.RecordAsync(caller, "scan_profile.create", "scan_profile", profile.Id, tenant.Id, AuditLog.Succeeded,
            $"name={name} scanner={profile.Scanner}", cancellationToken);
        return profile;
    }

    /// <summary>A profile by id, or by name in the caller's (or the given) tenant.</summary>
    public async Task<ScanProfile> GetProfileAsync(AdminPrincipal caller, string? tenant, string? idOrName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idOrName))
        {
            throw DomainException.Invalid("profile is required (a profile id, or its name with the tenant)");
        }

        if (SecretToken.IsValidId(idOrName) && await scans.GetScanProfileAsync(idOrName, cancellationToken) is { } byId && caller.CanSee(byId.TenantId)
            && (string.IsNullOrWhiteSpace(tenant) || (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id == byId.TenantId))
        {
            return byId;
        }

        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        if (tenantId is not null && Validate.IsProfileName(idOrName)
            && await scans.FindScanProfileAsync(tenantId, idOrName, cancellationToken) is { } byName)
        {
            return byName;
        }

        throw DomainException.NotFound("scan profile", idOrName);
    }

    public async Task<IReadOnlyList<ScanProfile>> ListProfilesAsync(AdminPrincipal caller, string? tenant, PageRequest page,
        CancellationToken cancellationToken)
    {
        var tenantId = await TenantIdAsync(caller, tenant, "scan profiles", cancellationToken);
        return await scans.ListScanProfilesAsync(tenantId, page, cancellationToken);
    }

    public async Task<ScanProfile> DeleteProfileAsync(AdminPrincipal caller, string? tenant, string? idOrName, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "delete scan profiles");
        var profile = await GetProfileAsync(caller, tenant, idOrName, cancellationToken);
        if (!await scans.DeleteScanProfileAsync(profile.Id, cancellationToken))
        {
            throw DomainException.NotFound("scan profile", idOrName!);
        }

        await audit.RecordAsync(caller, "scan_profile.delete", "scan_profile", profile.Id, profile.TenantId, AuditLog.Succeeded,
            $"name={profile.Name}", cancellationToken);
        return profile;
    }

    public async Task<Scan> GetScanAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var scanId = Validate.Id("id", id);
        var scan = await scans.GetScanAsync(scanId, cancellationToken);
        if (scan is null || !caller.CanSee(scan.Command.TenantId))
        {
            throw DomainException.NotFound("scan", scanId);
        }

        return scan;
    }

    public async Task<IReadOnlyList<Scan>> ListScansAsync(AdminPrincipal caller, string? tenant, string? statuses, string? scanner, string? profile,
        PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = await TenantIdAsync(caller, tenant, "scans", cancellationToken);
        var statusFilter = CommandQueueService.ParseStatuses(statuses);
        var scannerFilter = string.IsNullOrEmpty(scanner) ? null : Validate.ScannerId(scanner);
        var profileFilter = string.IsNullOrEmpty(profile) ? null : Validate.ProfileName(profile);
        return await scans.ListScansAsync(new ScanQuery(tenantId, statusFilter, scannerFilter, profileFilter), page, cancellationToken);
    }

    private async Task<Tenant> TenantAsync(AdminPrincipal caller, string? tenant, CancellationToken cancellationToken) =>
        await tenants.ResolveAsync(caller, string.IsNullOrWhiteSpace(tenant) && caller.TenantId is not null ? caller.TenantId : tenant, cancellationToken);

    private async Task<string> TenantIdAsync(AdminPrincipal caller, string? tenant, string what, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            return (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        return caller.TenantId ?? throw DomainException.Invalid($"tenant is required: {what} are always listed in one tenant's scope");
    }
}
