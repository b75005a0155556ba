using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Groups;
using SecPlatform.ControlPlane.Storage.Postgres.Vulnerabilities;

namespace SecPlatform.ControlPlane.Storage.Postgres;

/// <summary>Asset labels, asset groups and vulnerabilities: the SQL lives in <see cref="PostgresAssetGroups"/> and <see cref="PostgresVulnerabilities"/>.</summary>
public sealed partial class PostgresControlPlaneStore
{
    private PostgresAssetGroups? _groups;
    private PostgresVulnerabilities? _vulnerabilities;

    private PostgresAssetGroups Groups => _groups ??= new PostgresAssetGroups(_contexts, _rls);

    private PostgresVulnerabilities VulnerabilityReads => _vulnerabilities ??= new PostgresVulnerabilities(_dataSource, _rls);

    public Task<AssetLabelResult?> SetAssetLabelsAsync(AssetLabelUpdate update, CancellationToken cancellationToken) =>
        Groups.SetLabelsAsync(update, cancellationToken);

    public Task CreateAssetGroupAsync(AssetGroup group, CancellationToken cancellationToken) => Groups.CreateAsync(group, cancellationToken);

    public Task<AssetGroup?> GetAssetGroupAsync(string id, CancellationToken cancellationToken) => Groups.GetAsync(id, cancellationToken);

    public Task<AssetGroup?> FindAssetGroupByNameAsync(string tenantId, string name, CancellationToken cancellationToken) =>
        Groups.FindByNameAsync(tenantId, name, cancellationToken);

    public Task<IReadOnlyList<AssetGroup>> ListAssetGroupsAsync(string tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Groups.ListAsync(tenantId, page, cancellationToken);

    public Task<bool> DeleteAssetGroupAsync(string tenantId, string groupId, CancellationToken cancellationToken) =>
        Groups.DeleteAsync(tenantId, groupId, cancellationToken);

    public Task<MembershipOutcome> ChangeAssetGroupMemberAsync(string tenantId, string groupId, string assetId, bool add, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        Groups.ChangeMemberAsync(tenantId, groupId, assetId, add, now, cancellationToken);

    public Task<IReadOnlyList<Asset>> ListAssetGroupMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken) =>
        Groups.ListMembersAsync(groupId, page, cancellationToken);

    public Task<IReadOnlyList<TenantVulnerability>> ListTenantVulnerabilitiesAsync(string tenantId, PageRequest page, CancellationToken cancellationToken) =>
        VulnerabilityReads.ListAsync(tenantId, page, cancellationToken);

    public Task<TenantVulnerability?> GetTenantVulnerabilityAsync(string tenantId, string vulnerabilityId, int maxAssets,
        CancellationToken cancellationToken) =>
        VulnerabilityReads.GetAsync(tenantId, vulnerabilityId, maxAssets, cancellationToken);
}
