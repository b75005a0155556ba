using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The admins' view of assets, always in one tenant's scope; assets are created by the findings ingest.</summary>
public sealed class AssetService(IAssetStore assets, TenantManager tenants)
{
    public async Task<IReadOnlyList<Asset>> ListAsync(AdminPrincipal caller, string? tenant, string? kind, PageRequest page,
        CancellationToken cancellationToken)
    {
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

        return await assets.ListAssetsAsync(new AssetQuery(tenantId, kindName), page, cancellationToken);
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
}
