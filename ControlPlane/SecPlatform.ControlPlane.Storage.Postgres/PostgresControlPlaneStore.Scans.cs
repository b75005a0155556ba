using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Storage.Postgres;

/// <summary>Scan profiles and scan records (the SQL lives in <see cref="Scans.PostgresScans"/>).</summary>
public sealed partial class PostgresControlPlaneStore
{
    public Task CreateScanProfileAsync(ScanProfile profile, CancellationToken cancellationToken) =>
        _scans.CreateProfileAsync(profile, cancellationToken);

    public Task<ScanProfile?> GetScanProfileAsync(string id, CancellationToken cancellationToken) =>
        _scans.GetProfileAsync(id, cancellationToken);

    public Task<ScanProfile?> FindScanProfileAsync(string tenantId, string name, CancellationToken cancellationToken) =>
        _scans.FindProfileAsync(tenantId, name, cancellationToken);

    public Task<IReadOnlyList<ScanProfile>> ListScanProfilesAsync(string tenantId, PageRequest page, CancellationToken cancellationToken) =>
        LimitOf(page) <= 0 ? Task.FromResult<IReadOnlyList<ScanProfile>>([]) : _scans.ListProfilesAsync(tenantId, page, LimitOf(page), cancellationToken);

    public Task<bool> DeleteScanProfileAsync(string id, CancellationToken cancellationToken) =>
        _scans.DeleteProfileAsync(id, cancellationToken);

    public Task<Scan?> GetScanAsync(string id, CancellationToken cancellationToken) => _scans.GetScanAsync(id, cancellationToken);

    public Task<IReadOnlyList<Scan>> ListScansAsync(ScanQuery query, PageRequest page, CancellationToken cancellationToken) =>
        LimitOf(page) <= 0 ? Task.FromResult<IReadOnlyList<Scan>>([]) : _scans.ListScansAsync(query, page, LimitOf(page), cancellationToken);
}
