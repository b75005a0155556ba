using LiteDB;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// Software components on assets. They are written inside the ingest's write (<see cref="IngestComponents"/>): one
/// lookup of the batch's assets and one of their components by natural key, then bulk inserts and updates, and the
/// attempt's delivered count in its scan counts (a resend, already seen by this attempt since its claim, counts once).
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IComponentStore
{
    private const string AssetKeyField = "asset_key";
    private const string AssetSortField = "asset_sort";

    private ILiteCollection<AssetComponentDocument> Components => _db.GetCollection<AssetComponentDocument>(LiteDbCollections.AssetComponents);

    public Task<long> CountComponentsObservedAsync(string commandId, int attempt, CancellationToken cancellationToken) =>
        Read(() => ScanCounts.FindById(commandId) is { } counts && counts.Attempt == attempt ? (long)counts.Components : 0L, cancellationToken);

    public Task<int> ReplaceComponentsAsync(ComponentScope scope, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var command = _commands.FindById(scope.CommandId);
            if (command is null || command.TenantId != scope.TenantId || command.Attempt != scope.Attempt
                || command.Status != CommandStatus.Succeeded || command.Truncated || command.ClaimedAt is not { } claimedAt)
            {
                return 0;
            }

            var asset = _assets.FindOne(Equal(TenantKindValueField, AssetDocument.KeyOf(scope.TenantId, scope.AssetKind, scope.AssetValue)));
            if (asset is null)
            {
                return 0;
            }

            // What this attempt reported was seen after its claim; anything older is gone from the directory.
            var gone = Components.Find(Between("$." + AssetSortField, CompositeKey.Prefix(asset.Id)))
                .Where(c => c.LastSeen < claimedAt)
                .Select(c => new BsonValue(c.Id))
                .ToList();
            return gone.Count == 0 ? 0 : Components.DeleteMany(BsonExpression.Create("$._id IN @0", new BsonArray(gone)));
        }, cancellationToken);

    public Task<IReadOnlyList<AssetComponent>> ListAssetComponentsAsync(string assetId, PageRequest page, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<AssetComponent>>(() => KeyRangePage(Components, AssetSortField, CompositeKey.Prefix(assetId), page)
            .Select(c => c.ToDomain())
            .ToList(), cancellationToken);

    public Task<long> CountAssetComponentsAsync(string assetId, CancellationToken cancellationToken) =>
        Read(() => (long)Components.Count(Between("$." + AssetSortField, CompositeKey.Prefix(assetId))), cancellationToken);

    private void EnsureComponentIndexes()
    {
        Components.EnsureIndex(AssetKeyField, "$." + AssetKeyField, unique: true);
        Components.EnsureIndex(AssetSortField, "$." + AssetSortField);
    }

    /// <summary>Inside the ingest's write, after its fenced check: the batch's components on their assets.</summary>
    private void IngestComponents(CommandDocument command, IReadOnlyList<ObservedComponent> components, DateTimeOffset now)
    {
        if (components.Count == 0)
        {
            return;
        }

        var kinds = _assetKinds.FindAll().ToDictionary(k => k.Id, k => k.ToDomain(), StringComparer.Ordinal);
        var assetIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (kindName, value) in components.Select(c => (c.AssetKind, c.AssetValue)).Distinct())
        {
            var kind = kinds.GetValueOrDefault(kindName) ?? new AssetKind(kindName, "", false);
            var normalized = AssetIdentity.Normalize(kind, value);
            var key = AssetDocument.KeyOf(command.TenantId, kind.Name, normalized);
            var asset = _assets.FindOne(Equal(TenantKindValueField, key));
            if (asset is null)
            {
                asset = AssetDocument.New(SecretToken.NewId(), command.TenantId, kind.Name, normalized, AssetIdentity.HostKey(kind, normalized), now);
                Insert(_assets, asset, "asset");
            }
            else if (asset.LastSeen < now)
            {
                asset.LastSeen = now;
                _assets.Update(asset);
            }

            assetIds[kindName + "\n" + value] = asset.Id;
        }

        var keyed = new Dictionary<string, (string AssetId, ObservedComponent Component)>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            var assetId = assetIds[component.AssetKind + "\n" + component.AssetValue];
            keyed.TryAdd(AssetComponentDocument.KeyOf(command.TenantId, assetId, component.Key), (assetId, component));
        }

        var known = Components.Find(In("$." + AssetKeyField, keyed.Keys)).ToDictionary(c => c.AssetKey, StringComparer.Ordinal);
        var inserts = new List<AssetComponentDocument>();
        var updates = new List<AssetComponentDocument>();
        var fresh = 0;
        foreach (var (key, (assetId, component)) in keyed)
        {
            if (known.TryGetValue(key, out var existing))
            {
                if (existing.LastCommandId != command.Id || existing.LastSeen < command.ClaimedAt)
                {
                    fresh++;
                }

                existing.Name = component.Name;
                existing.Version = component.Version;
                existing.Purl = component.Purl;
                existing.Type = component.Type;
                existing.LastSeen = now;
                existing.LastCommandId = command.Id;
                updates.Add(existing);
            }
            else
            {
                fresh++;
                inserts.Add(AssetComponentDocument.New(SecretToken.NewId(), command.TenantId, assetId, component, command.Id, now));
            }
        }

        InsertBulk(Components, inserts, "asset component");
        Components.Update(updates);
        var counts = ScanCountsDocument.ForAttempt(ScanCounts.FindById(command.Id), command.Id, command.TenantId, command.Attempt);
        counts.Components += fresh;
        ScanCounts.Upsert(counts);
    }
}
