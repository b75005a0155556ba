using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Groups;

/// <summary>
/// Asset labels and asset groups on PostgreSQL. Labels are the asset's jsonb; a label selector is <c>labels @&gt; selector</c>
/// (GIN index <c>ix_assets_labels</c>), evaluated when read. Every transaction runs in the call's row-level security context.
/// </summary>
internal sealed class PostgresAssetGroups(PooledDbContextFactory<ControlPlaneDbContext> contexts, RowSecurity rls)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AssetLabelResult?> SetLabelsAsync(AssetLabelUpdate update, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        // Locked: two concurrent updates of one asset's labels each see the other's result, none is lost.
        var asset = await db.Assets
            .FromSqlInterpolated($"SELECT * FROM assets WHERE id = {update.AssetId} FOR UPDATE")
            .AsTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (asset is null || (update.TenantId is not null && asset.TenantId != update.TenantId))
        {
            return null;
        }

        var labels = ToDomain(asset).Labels;
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
            return new AssetLabelResult(ToDomain(asset), TooManyLabels: true);
        }

        asset.Labels = LabelsJson(labels);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AssetLabelResult(ToDomain(asset), TooManyLabels: false);
    }

    public async Task CreateAsync(AssetGroup group, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        db.AssetGroups.Add(new AssetGroupEntity
        {
            Id = group.Id,
            TenantId = group.TenantId,
            Name = group.Name,
            Description = group.Description,
            Selector = group.Selector is { } selector ? LabelsJson(selector) : null,
            CreatedAt = Utc(group.CreatedAt),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new StoreConflictException($"The tenant has an asset group named '{group.Name}'.", e);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AssetGroup?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var found = await db.AssetGroups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
        return found is null ? null : GroupOf(found);
    }

    public async Task<AssetGroup?> FindByNameAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var found = await db.AssetGroups.FirstOrDefaultAsync(g => g.TenantId == tenantId && g.Name == name, cancellationToken);
        return found is null ? null : GroupOf(found);
    }

    public async Task<IReadOnlyList<AssetGroup>> ListAsync(string tenantId, PageRequest page, CancellationToken cancellationToken)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.AssetGroups.Where(g => g.TenantId == tenantId);
        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(g => EF.Functions.GreaterThan(ValueTuple.Create(g.CreatedAt, g.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(GroupOf)];
    }

    public async Task<bool> DeleteAsync(string tenantId, string groupId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        // The members go with it (ON DELETE CASCADE), in this transaction.
        var deleted = await db.AssetGroups.Where(g => g.Id == groupId && g.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public async Task<MembershipOutcome> ChangeMemberAsync(string tenantId, string groupId, string assetId, bool add, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        // The group row is locked (FOR SHARE): a concurrent delete waits, so no member is added to a deleted group.
        var group = await db.AssetGroups
            .FromSqlInterpolated($"SELECT * FROM asset_groups WHERE id = {groupId} AND tenant_id = {tenantId} FOR SHARE")
            .FirstOrDefaultAsync(cancellationToken);
        if (group is null)
        {
            return MembershipOutcome.GroupNotFound;
        }

        if (!await db.Assets.AnyAsync(a => a.Id == assetId && a.TenantId == tenantId, cancellationToken))
        {
            return MembershipOutcome.AssetNotFound;
        }

        if (group.Selector is not null)
        {
            return MembershipOutcome.LabelBased;
        }

        int changed;
        if (add)
        {
            changed = await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO asset_group_members (group_id, asset_id, tenant_id, added_at) VALUES ({groupId}, {assetId}, {tenantId}, {Utc(now)}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }
        else
        {
            changed = await db.AssetGroupMembers.Where(m => m.GroupId == groupId && m.AssetId == assetId).ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return changed == 1 ? MembershipOutcome.Changed : MembershipOutcome.Unchanged;
    }

    public async Task<IReadOnlyList<Asset>> ListMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.AssetGroupMembers.Where(m => m.GroupId == groupId).Join(db.Assets, m => m.AssetId, a => a.Id, (m, a) => a);
        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.FirstSeen, a.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(a => a.FirstSeen).ThenBy(a => a.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    private static AssetGroup GroupOf(AssetGroupEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        Name = e.Name,
        Description = e.Description,
        Selector = e.Selector is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(e.Selector, Json) ?? [],
        CreatedAt = e.CreatedAt,
    };
}
