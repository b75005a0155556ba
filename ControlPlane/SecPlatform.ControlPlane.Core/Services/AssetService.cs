using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The admins' view of assets, always in one tenant's scope; assets are created by the findings ingest.</summary>
public sealed class AssetService(IAssetStore assets, IAssetGroupStore groups, TenantManager tenants, AuditLog audit)
{
    public Task<IReadOnlyList<Asset>> ListAsync(AdminPrincipal caller, string? tenant, string? kind, PageRequest page,
        CancellationToken cancellationToken) =>
        ListAsync(caller, tenant, kind, [], page, cancellationToken);

    /// <summary>A page of one tenant's assets; <paramref name="labels"/>: only assets whose labels hold every pair.</summary>
    public async Task<IReadOnlyList<Asset>> ListAsync(AdminPrincipal caller, string? tenant, string? kind,
        IEnumerable<KeyValuePair<string, string>> labels, PageRequest page, CancellationToken cancellationToken)
    {
        var selector = Validate.Labels(labels);
        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        if (tenantId is null)
        {
            throw DomainException.Invalid("tenant is required: assets are always listed in one tenant's scope");
        }

        string? kindName = null;
        if (!string.IsNullOrEmpty(kind))
        {
            var kinds = await assets.ListAssetKindsAsync(cancellationToken);
            if (!kinds.Any(k => k.Name == kind))
            {
                throw DomainException.Invalid($"kind must be one of {string.Join(", ", kinds.Select(k => k.Name))}");
            }

            kindName = kind;
        }

        return await assets.ListAssetsAsync(new AssetQuery(tenantId, kindName, selector.Count == 0 ? null : selector), page, cancellationToken);
    }

    public async Task<Asset> GetAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var assetId = Validate.Id("id", id);
        var asset = await assets.GetAssetAsync(assetId, cancellationToken);
        if (asset is null || !caller.CanSee(asset.TenantId))
        {
            throw DomainException.NotFound("asset", assetId);
        }

        return asset;
    }

    /// <summary>Sets labels and removes label keys on one asset, in one step (audited). Another tenant's asset looks unknown.</summary>
    public async Task<Asset> SetLabelsAsync(AdminPrincipal caller, string? id, IEnumerable<KeyValuePair<string, string>> set,
        IEnumerable<string> remove, CancellationToken cancellationToken)
    {
        var assetId = Validate.Id("id", id);
        Permissions.RequireWrite(caller, "label assets");
        var labels = Validate.Labels(set);
        var removed = Validate.Labels(remove.Select(key => KeyValuePair.Create(key, ""))).Keys.ToList();
        if (labels.Count == 0 && removed.Count == 0)
        {
            throw DomainException.Invalid("give at least one label to set (k=v) or one key to remove");
        }

        if (removed.FirstOrDefault(labels.ContainsKey) is { } both)
        {
            throw DomainException.Invalid($"label '{both}' is both set and removed");
        }

        var result = await groups.SetAssetLabelsAsync(new AssetLabelUpdate(assetId, caller.TenantId, labels, removed, Validate.MaxLabels),
            cancellationToken);
        if (result is null)
        {
            throw DomainException.NotFound("asset", assetId);
        }

        if (result.TooManyLabels)
        {
            throw DomainException.Invalid($"an asset has at most {Validate.MaxLabels} labels; remove some first");
        }

        await audit.RecordAsync(caller, "asset.set_labels", "asset", assetId, result.Asset.TenantId, AuditLog.Succeeded,
            $"set={string.Join(",", labels.Select(p => $"{p.Key}={p.Value}"))} remove={string.Join(",", removed)}", cancellationToken);
        return result.Asset;
    }
}
