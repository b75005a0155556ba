using LiteDB;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Asset labels and asset groups. A label selector is one expression over the assets' <c>label_pairs</c>, evaluated on
/// the tenant's index range of assets; a static group's members are one primary-key range in asset list order.
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IAssetGroupStore
{
    private const string GroupAssetField = "group_asset";

    public Task<AssetLabelResult?> SetAssetLabelsAsync(AssetLabelUpdate update, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var asset = _assets.FindById(update.AssetId);
            if (asset is null || (update.TenantId is not null && asset.TenantId != update.TenantId))
            {
                return null;
            }

            var labels = LabelDocument.ToDictionary(asset.Labels);
            foreach (var (key, value) in update.Set)
            {
                labels[key] = value;
            }

            foreach (var key in update.Remove)
            {
                labels.Remove(key);
            }

            if (labels.Count > update.MaxLabels)
            {
                return new AssetLabelResult(asset.ToDomain(), TooManyLabels: true);
            }

            asset.SetLabels(labels);
            _assets.Update(asset);
            return new AssetLabelResult(asset.ToDomain(), TooManyLabels: false);
        }, cancellationToken);

    public Task CreateAssetGroupAsync(AssetGroup group, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            // Checked under the write lock; the unique index is the second wall.
            if (_assetGroups.Exists(Equal(TenantNameField, AssetGroupDocument.KeyOf(group.TenantId, group.Name))))
            {
                throw new StoreConflictException($"The tenant has an asset group named '{group.Name}'.");
            }

            Insert(_assetGroups, AssetGroupDocument.From(group), "asset group");
        }, cancellationToken);

    public Task<AssetGroup?> GetAssetGroupAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _assetGroups.FindById(id)?.ToDomain(), cancellationToken);

    public Task<AssetGroup?> FindAssetGroupByNameAsync(string tenantId, string name, CancellationToken cancellationToken) =>
        Read(() => _assetGroups.FindOne(Equal(TenantNameField, AssetGroupDocument.KeyOf(tenantId, name)))?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<AssetGroup>> ListAssetGroupsAsync(string tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<AssetGroup>>(() => KeyRangePage(_assetGroups, TenantSortField, CompositeKey.Prefix(tenantId), page)
            .Select(g => g.ToDomain())
            .ToList(), cancellationToken);

    public Task<bool> DeleteAssetGroupAsync(string tenantId, string groupId, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var group = _assetGroups.FindById(groupId);
            if (group is null || group.TenantId != tenantId)
            {
                return false;
            }

            _groupMembers.DeleteMany(Between("$._id", AssetGroupMemberDocument.GroupPrefix(groupId)));
            _assetGroups.Delete(groupId);
            return true;
        }, cancellationToken);

    public Task<MembershipOutcome> ChangeAssetGroupMemberAsync(string tenantId, string groupId, string assetId, bool add, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var group = _assetGroups.FindById(groupId);
            if (group is null || group.TenantId != tenantId)
            {
                return MembershipOutcome.GroupNotFound;
            }

            var asset = _assets.FindById(assetId);
            if (asset is null || asset.TenantId != tenantId)
            {
                return MembershipOutcome.AssetNotFound;
            }

            if (group.LabelBased)
            {
                return MembershipOutcome.LabelBased;
            }

            var existing = _groupMembers.FindOne(Equal(GroupAssetField, AssetGroupMemberDocument.KeyOf(groupId, assetId)));
            if (add == existing is not null)
            {
                return MembershipOutcome.Unchanged;
            }

            if (add)
            {
                Insert(_groupMembers, AssetGroupMemberDocument.Of(groupId, asset, now), "asset group member");
            }
            else
            {
                _groupMembers.Delete(existing!.Id);
            }

            return MembershipOutcome.Changed;
        }, cancellationToken);

    public Task<IReadOnlyList<Asset>> ListAssetGroupMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<Asset>>(() =>
        {
            var members = KeyRangePage(_groupMembers, "_id", AssetGroupMemberDocument.GroupPrefix(groupId), page);
            var assets = _assets.Find(In("$._id", members.Select(m => m.AssetId))).ToDictionary(a => a.Id, StringComparer.Ordinal);
            return members.Select(m => assets.GetValueOrDefault(m.AssetId)).OfType<AssetDocument>().Select(a => a.ToDomain()).ToList();
        }, cancellationToken);

    private void EnsureGroupIndexes()
    {
        _assetGroups.EnsureIndex(TenantNameField, "$." + TenantNameField, unique: true);
        _assetGroups.EnsureIndex(TenantSortField, "$." + TenantSortField);
        _groupMembers.EnsureIndex(GroupAssetField, "$." + GroupAssetField, unique: true);
    }

    /// <summary>Assets whose labels hold every pair of <paramref name="selector"/>, and of <paramref name="kind"/> when given (null: no filter).</summary>
    private static BsonExpression? LabelFilter(IReadOnlyDictionary<string, string>? selector, string? kind = null)
    {
        var args = (selector ?? new Dictionary<string, string>()).Select(p => new BsonValue(AssetDocument.PairOf(p.Key, p.Value))).ToList();
        var clauses = args.Select((_, i) => $"$.label_pairs[*] ANY = @{i}").ToList();
        if (kind is not null)
        {
            clauses.Add($"$.kind = @{args.Count}");
            args.Add(new BsonValue(kind));
        }

        return clauses.Count == 0 ? null : BsonExpression.Create(string.Join(" AND ", clauses), [.. args]);
    }

    /// <summary>The ids of the tenant's assets in the group now (a label-based group's by its selector); null: no such group.</summary>
    private HashSet<string>? GroupAssetIds(string tenantId, string groupId)
    {
        var group = _assetGroups.FindById(groupId);
        if (group is null || group.TenantId != tenantId)
        {
            return null;
        }

        if (!group.LabelBased)
        {
            return _groupMembers.Query()
                .Where(Between("$._id", AssetGroupMemberDocument.GroupPrefix(groupId)))
                .ToEnumerable()
                .Select(m => m.AssetId)
                .ToHashSet(StringComparer.Ordinal);
        }

        var query = _assets.Query().Where(Between("$." + TenantSortField, CompositeKey.Prefix(tenantId)));
        if (LabelFilter(LabelDocument.ToDictionary(group.Selector)) is { } labels)
        {
            query = query.Where(labels);
        }

        return query.Select("$._id").ToDocuments().Select(d => d.Values.First().AsString).ToHashSet(StringComparer.Ordinal);
    }
}
