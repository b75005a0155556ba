using Microsoft.EntityFrameworkCore;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>Asset groups, their static members, vulnerabilities and the findings' links to them (migration AssetGroupsAndVulnerabilities).</summary>
internal sealed partial class ControlPlaneDbContext
{
    public const string FindingVulnerabilitiesTable = "finding_vulnerabilities";

    public DbSet<AssetGroupEntity> AssetGroups => Set<AssetGroupEntity>();
    public DbSet<AssetGroupMemberEntity> AssetGroupMembers => Set<AssetGroupMemberEntity>();
    public DbSet<VulnerabilityEntity> Vulnerabilities => Set<VulnerabilityEntity>();
    public DbSet<FindingVulnerabilityEntity> FindingVulnerabilities => Set<FindingVulnerabilityEntity>();

    private static void ConfigureGroupsAndVulnerabilities(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AssetGroupEntity>(e =>
        {
            e.ToTable("asset_groups");
            e.HasKey(x => x.Id);
            e.Property(x => x.Selector).HasColumnType("jsonb");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TenantId, x.Name }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.CreatedAt, x.Id });
        });

        modelBuilder.Entity<AssetGroupMemberEntity>(e =>
        {
            e.ToTable("asset_group_members");
            e.HasKey(x => new { x.GroupId, x.AssetId });
            e.HasOne<AssetGroupEntity>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AssetEntity>().WithMany().HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.AssetId);
        });

        modelBuilder.Entity<VulnerabilityEntity>(e =>
        {
            e.ToTable("vulnerabilities");
            e.HasKey(x => x.Id);
        });

        modelBuilder.Entity<FindingVulnerabilityEntity>(e =>
        {
            e.ToTable(FindingVulnerabilitiesTable);
            // One range per tenant in vulnerability order (lists), one per (tenant, vulnerability) (reads, --cve).
            e.HasKey(x => new { x.TenantId, x.VulnerabilityId, x.FindingId });
            // No foreign keys: the ingest writes the links from the upsert's RETURNING in the same statement (as
            // finding_observations.finding_id), and the definitions in the statement before.
            e.HasIndex(x => x.FindingId);
        });
    }
}
