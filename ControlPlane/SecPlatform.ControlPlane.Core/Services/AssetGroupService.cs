using System.Text.RegularExpressions;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Asset groups, always in one tenant's scope. A group is named by its name (unique in the tenant) or its id; another
/// tenant's group, by name or id, answers exactly like a group that does not exist.
/// </summary>
public sealed partial class AssetGroupService(IAssetGroupStore groups, IAssetStore assets, TenantManager tenants, AuditLog audit, TimeProvider time)
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex NamePattern();

    public async Task<AssetGroup> CreateAsync(AdminPrincipal caller, string? tenant, string? name, string? description,
        IEnumerable<KeyValuePair<string, string>> selector, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "create asset groups");
        var tenantId = await TenantIdAsync(caller, tenant, cancellationToken);
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw DomainException.Invalid("group name must be 1 to 63 characters: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit");
        }

        var pairs = Validate.Labels(selector);
        var group = new AssetGroup
        {
            Id = SecretToken.NewId(),
            TenantId = tenantId,
            Name = name,
            Description = Validate.Text("description", description, 1000, required: false),
            Selector = pairs.Count == 0 ? null : pairs,
            CreatedAt = time.GetUtcNow(),
        };
        try
        {
            await groups.CreateAssetGroupAsync(group, cancellationToken);
        }
        catch (StoreConflictException)
        {
            throw new DomainException(ErrorKind.AlreadyExists, $"the tenant has an asset group named '{name}' already");
        }

        await audit.RecordAsync(caller, "asset_group.create", "asset_group", group.Id, tenantId, AuditLog.Succeeded,
            $"name={name} selector={Selector(group)}", cancellationToken);
        return group;
    }

    public async Task<IReadOnlyList<AssetGroup>> ListAsync(AdminPrincipal caller, string? tenant, PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = await TenantIdAsync(caller, tenant, cancellationToken);
        return await groups.ListAssetGroupsAsync(tenantId, page, cancellationToken);
    }

    /// <summary>
    /// The group named <paramref name="nameOrId"/>: by name in the tenant (the given one, else the caller's), else by
    /// id. NotFound when it does not exist or the caller may not see it.
    /// </summary>
    public async Task<AssetGroup> ResolveAsync(AdminPrincipal caller, string? tenant, string? nameOrId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(nameOrId))
        {
            throw DomainException.Invalid("group is required (a group name or id)");
        }

        Validate.Text("group", nameOrId, 63, required: true);
        string? tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        return await FindAsync(caller, tenantId, nameOrId, cancellationToken);
    }

    /// <summary>
    /// <see cref="ResolveAsync"/> in a tenant already resolved (by id: a tenant name never stands in for it), or in
    /// none (then only a group id can be found).
    /// </summary>
    public async Task<AssetGroup> FindAsync(AdminPrincipal caller, string? tenantId, string nameOrId, CancellationToken cancellationToken)
    {
        AssetGroup? group = null;
        if (tenantId is not null)
        {
            group = await groups.FindAssetGroupByNameAsync(tenantId, nameOrId, cancellationToken);
        }

        if (group is null && SecretToken.IsValidId(nameOrId))
        {
            group = await groups.GetAssetGroupAsync(nameOrId, cancellationToken);
            if (group is not null && tenantId is not null && group.TenantId != tenantId)
            {
                group = null;
            }
        }

        if (group is null && tenantId is null && !SecretToken.IsValidId(nameOrId))
        {
            throw DomainException.Invalid($"tenant is required to find the group '{nameOrId}' by name (or give the group's id)");
        }

        if (group is null || !caller.CanSee(group.TenantId))
        {
            throw DomainException.NotFound("asset group", nameOrId);
        }

        return group;
    }

    public async Task DeleteAsync(AdminPrincipal caller, string? tenant, string? nameOrId, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "delete asset groups");
        var group = await ResolveAsync(caller, tenant, nameOrId, cancellationToken);
        if (!await groups.DeleteAssetGroupAsync(group.TenantId, group.Id, cancellationToken))
        {
            throw DomainException.NotFound("asset group", nameOrId!);
        }

        await audit.RecordAsync(caller, "asset_group.delete", "asset_group", group.Id, group.TenantId, AuditLog.Succeeded,
            $"name={group.Name}", cancellationToken);
    }

    /// <summary>Adds (or removes) an asset of the group's tenant to (from) a static group; idempotent.</summary>
    public async Task<AssetGroup> ChangeMemberAsync(AdminPrincipal caller, string? tenant, string? nameOrId, string? assetId, bool add,
        CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "change asset group members");
        var asset = Validate.Id("asset", assetId);
        var group = await ResolveAsync(caller, tenant, nameOrId, cancellationToken);
        var outcome = await groups.ChangeAssetGroupMemberAsync(group.TenantId, group.Id, asset, add, time.GetUtcNow(), cancellationToken);
        switch (outcome)
        {
            case MembershipOutcome.GroupNotFound:
                throw DomainException.NotFound("asset group", nameOrId!);
            case MembershipOutcome.AssetNotFound:
                throw DomainException.NotFound("asset", asset);
            case MembershipOutcome.LabelBased:
                throw new DomainException(ErrorKind.FailedPrecondition,
                    $"asset group '{group.Name}' is label-based ({Selector(group)}): its members are the assets with those labels; " +
                    "label the asset (secplat assets label) instead of adding it");
            case MembershipOutcome.Changed:
                await audit.RecordAsync(caller, add ? "asset_group.add_asset" : "asset_group.remove_asset", "asset_group", group.Id, group.TenantId,
                    AuditLog.Succeeded, $"asset={asset}", cancellationToken);
                break;
        }

        return group;
    }

    /// <summary>The group's members now: a static group's listed assets, or the assets a label-based group's selector matches.</summary>
    public async Task<IReadOnlyList<Asset>> MembersAsync(AdminPrincipal caller, string? tenant, string? nameOrId, PageRequest page,
        CancellationToken cancellationToken)
    {
        var group = await ResolveAsync(caller, tenant, nameOrId, cancellationToken);
        return group.Selector is { } selector
            ? await assets.ListAssetsAsync(new AssetQuery(group.TenantId, Labels: selector), page, cancellationToken)
            : await groups.ListAssetGroupMembersAsync(group.Id, page, cancellationToken);
    }

    private async Task<string> TenantIdAsync(AdminPrincipal caller, string? tenant, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        return tenantId ?? throw DomainException.Invalid("tenant is required: asset groups always belong to one tenant");
    }

    private static string Selector(AssetGroup group) =>
        group.Selector is { } selector ? string.Join(",", selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) : "static";
}
