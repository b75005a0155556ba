using Microsoft.EntityFrameworkCore;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>Software components on assets, from SBOMs.</summary>
internal sealed partial class ControlPlaneDbContext
{
    public const string AssetComponentsTable = "asset_components";

    public DbSet<AssetComponentEntity> AssetComponents => Set<AssetComponentEntity>();

    private static void ConfigureComponents(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AssetComponentEntity>(e =>
        {
            e.ToTable(AssetComponentsTable);
            e.HasKey(x => x.Id);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<AssetEntity>().WithMany().HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Cascade);
            // The identity (the ingest's upsert target), and an asset's list in (first seen, id) order.
            e.HasIndex(x => new { x.TenantId, x.AssetId, x.ComponentKey }).IsUnique();
            e.HasIndex(x => new { x.AssetId, x.FirstSeen, x.Id });
        });
}
