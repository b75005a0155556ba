using LiteDB;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Assets and asset kinds. Assets are written by the findings ingest, inside its write-locked transaction: one
/// lookup of the batch's assets by their natural key, then the new ones inserted and the known ones' last seen
/// moved, in bulk.
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IAssetStore
{
    private const string TenantKindValueField = "tenant_kind_value";

    public Task<IReadOnlyList<Asset>> ListAssetsAsync(AssetQuery query, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<Asset>>(() =>
        {
            var filter = LabelFilter(query.Labels, query.Kind);
            if (query.TenantId is not null)
            {
                return KeyRangePage(_assets, TenantSortField, CompositeKey.Prefix(query.TenantId), page, filter)
                    .Select(a => a.ToDomain())
                    .ToList();
            }

            return Page(_assets, page, a => a.ToDomain(), filter);
        }, cancellationToken);

    public Task<Asset?> GetAssetAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _assets.FindById(id)?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<AssetKind>> ListAssetKindsAsync(CancellationToken cancellationToken) =>
        Read<IReadOnlyList<AssetKind>>(() => _assetKinds.FindAll().Select(k => k.ToDomain()).OrderBy(k => k.Name, StringComparer.Ordinal).ToList(),
            cancellationToken);

    private void EnsureAssetIndexes()
    {
        _assets.EnsureIndex(TenantKindValueField, "$." + TenantKindValueField, unique: true);
        _assets.EnsureIndex(TenantSortField, "$." + TenantSortField);
        _assets.EnsureIndex(SortKey.Field, SortField);
    }

    /// <summary>Adds the seeded kinds a file lacks; kinds added later as data are left alone.</summary>
    private void SeedAssetKinds()
    {
        foreach (var kind in AssetKind.Seed)
        {
            if (_assetKinds.FindById(kind.Name) is null)
            {
                _assetKinds.Insert(AssetKindDocument.From(kind));
            }
        }
    }

    /// <summary>
    /// Links each finding to its asset (by tenant, kind and normalized value), creating the assets seen for the first
    /// time and moving the known ones' last seen. Runs inside the ingest's write.
    /// </summary>
    private void LinkAssets(string tenantId, List<FindingDocument> findings, DateTimeOffset now)
    {
        if (findings.Count == 0)
        {
            return;
        }

        var kinds = _assetKinds.FindAll().ToDictionary(k => k.Id, k => k.ToDomain(), StringComparer.Ordinal);
        var keyed = findings.Select(f =>
        {
            var kind = kinds.GetValueOrDefault(f.Observed.AssetKind) ?? new AssetKind(f.Observed.AssetKind, "", false);
            var value = AssetIdentity.Normalize(kind, f.Observed.AssetValue);
            return (Finding: f, Kind: kind, Value: value, Key: AssetDocument.KeyOf(tenantId, kind.Name, value));
        }).ToList();
        var known = _assets
            .Find(In("$." + TenantKindValueField, keyed.Select(k => k.Key).Distinct(StringComparer.Ordinal)))
            .ToDictionary(a => a.TenantKindValue, StringComparer.Ordinal);
        var inserts = new List<AssetDocument>();
        var updates = new Dictionary<string, AssetDocument>(StringComparer.Ordinal);
        foreach (var (finding, kind, value, key) in keyed)
        {
            if (!known.TryGetValue(key, out var asset))
            {
                asset = AssetDocument.New(SecretToken.NewId(), tenantId, kind.Name, value, AssetIdentity.HostKey(kind, value), now);
                known[key] = asset;
                inserts.Add(asset);
            }
            else if (asset.LastSeen < now && !inserts.Contains(asset))
            {
                asset.LastSeen = now;
                updates[asset.Id] = asset;
            }

            finding.AssetId = asset.Id;
        }

        InsertBulk(_assets, inserts, "asset");
        _assets.Update(updates.Values);
    }
}
