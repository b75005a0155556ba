using Microsoft.EntityFrameworkCore;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>Scan profiles and scan counts (scan records are commands joined with their counts).</summary>
internal sealed partial class ControlPlaneDbContext
{
    public const string ScanProfilesTable = "scan_profiles";
    public const string ScanCountsTable = "scan_counts";

    public DbSet<ScanProfileEntity> ScanProfiles => Set<ScanProfileEntity>();
    public DbSet<ScanCountsEntity> ScanCounts => Set<ScanCountsEntity>();

    private static void ConfigureScans(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CommandEntity>(e =>
            // Scan lists filter a tenant's commands by profile.
            e.HasIndex(x => new { x.TenantId, x.ProfileName, x.CreatedAt, x.Id }).HasFilter("profile_name IS NOT NULL"));

        modelBuilder.Entity<ScanProfileEntity>(e =>
        {
            e.ToTable(ScanProfilesTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.Parameters).HasColumnType("jsonb");
            e.Property(x => x.SelectorLabels).HasColumnType("jsonb");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TenantId, x.Name }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.CreatedAt, x.Id });
        });

        modelBuilder.Entity<ScanCountsEntity>(e =>
        {
            e.ToTable(ScanCountsTable);
            e.HasKey(x => x.CommandId);
            e.HasOne<CommandEntity>().WithMany().HasForeignKey(x => x.CommandId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.TenantId);
        });
    }
}
