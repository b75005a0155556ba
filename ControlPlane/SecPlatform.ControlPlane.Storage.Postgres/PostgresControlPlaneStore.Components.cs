using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Storage.Postgres;

/// <summary>Components on assets (the SQL lives in <see cref="Components.PostgresComponents"/>; the ingest writes them).</summary>
public sealed partial class PostgresControlPlaneStore
{
    public Task<long> CountComponentsObservedAsync(string commandId, int attempt, CancellationToken cancellationToken) =>
        _components.CountObservedAsync(commandId, attempt, cancellationToken);

    public Task<int> ReplaceComponentsAsync(ComponentScope scope, CancellationToken cancellationToken) =>
        _components.ReplaceAsync(scope, cancellationToken);

    public Task<IReadOnlyList<AssetComponent>> ListAssetComponentsAsync(string assetId, PageRequest page, CancellationToken cancellationToken) =>
        LimitOf(page) <= 0 ? Task.FromResult<IReadOnlyList<AssetComponent>>([]) : _components.ListAsync(assetId, page, LimitOf(page), cancellationToken);

    public Task<long> CountAssetComponentsAsync(string assetId, CancellationToken cancellationToken) =>
        _components.CountAsync(assetId, cancellationToken);
}
