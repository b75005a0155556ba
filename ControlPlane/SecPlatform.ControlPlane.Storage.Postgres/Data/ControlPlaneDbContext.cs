using Microsoft.EntityFrameworkCore;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>
/// The EF Core model of the PostgreSQL store. Names are snake_case (naming convention plus explicit table
/// names); every tenant-owned table carries tenant_id and its list indexes lead with it.
/// </summary>
internal sealed partial class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options)
{
    public const string AuditTable = "admin_audit_logs";
    public const string HistoryTable = "__ef_migrations_history";
    public const string ClaimSequence = "command_claim_seq";
    public const string IdempotencyIndex = "ux_commands_tenant_id_idempotency_key";
    public const string FindingsTable = "findings";
    public const string ObservationsTable = "finding_observations";
    public const string StatusHistoryTable = "finding_status_history";

    /// <summary>The finding statuses as stored.</summary>
    public const string FindingStatusWords = "'open', 'resolved', 'reopened', 'false_positive', 'accepted_risk'";

    /// <summary>The words of <see cref="Severity"/> as stored, lowest first.</summary>
    public const string SeverityWords = "'info', 'low', 'medium', 'high', 'critical'";

    public DbSet<TenantEntity> Tenants => Set<TenantEntity>();
    public DbSet<AdminUserEntity> AdminUsers => Set<AdminUserEntity>();
    public DbSet<BootstrapTokenEntity> BootstrapTokens => Set<BootstrapTokenEntity>();
    public DbSet<AgentEntity> Agents => Set<AgentEntity>();
    public DbSet<AgentKeyEntity> AgentKeys => Set<AgentKeyEntity>();
    public DbSet<AgentLeaseEntity> AgentLeases => Set<AgentLeaseEntity>();
    public DbSet<RegistrationAttemptEntity> RegistrationAttempts => Set<RegistrationAttemptEntity>();
    public DbSet<AuditEventEntity> AuditEvents => Set<AuditEventEntity>();
    public DbSet<AuditHeadEntity> AuditHeads => Set<AuditHeadEntity>();
    public DbSet<ReaperStateEntity> ReaperStates => Set<ReaperStateEntity>();
    public DbSet<CommandEntity> Commands => Set<CommandEntity>();
    public DbSet<FindingEntity> Findings => Set<FindingEntity>();
    public DbSet<FindingObservationEntity> FindingObservations => Set<FindingObservationEntity>();
    public DbSet<FindingStatusChangeEntity> FindingStatusHistory => Set<FindingStatusChangeEntity>();
    public DbSet<AssetEntity> Assets => Set<AssetEntity>();
    public DbSet<AssetKindEntity> AssetKinds => Set<AssetKindEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantEntity>(e =>
        {
            e.ToTable("tenants");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Name).IsUnique();
            e.HasIndex(x => new { x.CreatedAt, x.Id });
        });

        modelBuilder.Entity<AdminUserEntity>(e =>
        {
            e.ToTable("admin_users", t => t.HasCheckConstraint("ck_admin_users_role", "role IN ('super_admin', 'ops_admin', 'readonly')"));
            e.HasKey(x => x.Id);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TenantId, x.CreatedAt, x.Id });
        });

        modelBuilder.Entity<BootstrapTokenEntity>(e =>
        {
            e.ToTable("platform_agent_bootstrap_tokens");
            e.HasKey(x => x.Id);
            e.Property(x => x.Labels).HasColumnType("jsonb");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TenantId, x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.CreatedAt, x.Id });
        });

        modelBuilder.Entity<AgentEntity>(e =>
        {
            e.ToTable("agents");
            e.HasKey(x => x.Id);
            e.Property(x => x.Labels).HasColumnType("jsonb");
            e.Property(x => x.Capabilities).HasColumnType("jsonb");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<BootstrapTokenEntity>().WithMany().HasForeignKey(x => x.BootstrapTokenId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Lease).WithOne().HasForeignKey<AgentLeaseEntity>(x => x.AgentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.TenantId, x.RegisteredAt, x.Id });
            e.HasIndex(x => new { x.RegisteredAt, x.Id });
        });

        modelBuilder.Entity<AgentKeyEntity>(e =>
        {
            e.ToTable("agent_keys");
            e.HasKey(x => x.Id);
            e.HasOne<AgentEntity>().WithMany().HasForeignKey(x => x.AgentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AgentLeaseEntity>(e =>
        {
            e.ToTable("agent_leases");
            e.HasKey(x => x.AgentId);
            // The reaper's scan: only held leases can expire.
            e.HasIndex(x => x.ExpiresAt).HasFilter("held").HasDatabaseName("ix_agent_leases_expires_at_held");
        });

        modelBuilder.Entity<RegistrationAttemptEntity>(e =>
        {
            e.ToTable("platform_agent_registrations");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.TenantId, x.Time, x.Id });
            e.HasIndex(x => new { x.Time, x.Id });
        });

        modelBuilder.Entity<AuditEventEntity>(e =>
        {
            e.ToTable(AuditTable);
            e.HasKey(x => x.Sequence);
            // The chain assigns sequences (head count + 1) under the head lock; a database sequence would leave gaps.
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.HasIndex(x => new { x.TenantId, x.Sequence });
        });

        modelBuilder.Entity<AuditHeadEntity>(e =>
        {
            e.ToTable("audit_head", t => t.HasCheckConstraint("ck_audit_head_single_row", "id = 1"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasData(new AuditHeadEntity { Id = AuditHeadEntity.SingletonId, Count = 0, Hash = AuditHead.GenesisHash });
        });

        modelBuilder.Entity<ReaperStateEntity>(e =>
        {
            e.ToTable("reaper_state", t => t.HasCheckConstraint("ck_reaper_state_single_row", "id = 1"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasData(new ReaperStateEntity { Id = ReaperStateEntity.SingletonId });
        });

        modelBuilder.HasSequence<long>(ClaimSequence);
        modelBuilder.Entity<CommandEntity>(e =>
        {
            e.ToTable("commands", t => t.HasCheckConstraint(
                "ck_commands_status", "status IN ('queued', 'claimed', 'running', 'succeeded', 'failed', 'canceled', 'expired')"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Parameters).HasColumnType("jsonb");
            e.Property(x => x.SelectorLabels).HasColumnType("jsonb");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TenantId, x.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL")
                .HasDatabaseName(IdempotencyIndex);
            // Claims: a tenant's queued work in claim order, and the tenant's last turn (max claim_seq).
            e.HasIndex(x => new { x.TenantId, x.SortKey, x.Id }).HasFilter("status = 'queued'").HasDatabaseName("ix_commands_queued_claim_order");
            e.HasIndex(x => new { x.TenantId, x.ClaimSeq }).HasDatabaseName("ix_commands_tenant_id_claim_seq");
            // The sweep: active claims (few: bounded by agent concurrency) and queued work that may expire.
            e.HasIndex(x => x.AgentId, "active").HasFilter("status IN ('claimed', 'running')").HasDatabaseName("ix_commands_active_agent_id");
            e.HasIndex(x => x.ExpiresAt).HasFilter("status = 'queued'").HasDatabaseName("ix_commands_queued_expires_at");
            // Every renew asks for the agent's stop requests.
            e.HasIndex(x => x.AgentId, "stop_requested").HasFilter("stop_requested").HasDatabaseName("ix_commands_stop_requested_agent_id");
            e.HasIndex(x => new { x.TenantId, x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.CreatedAt, x.Id });
        });

        modelBuilder.Entity<FindingEntity>(e =>
        {
            e.ToTable(FindingsTable, t =>
            {
                t.HasCheckConstraint("ck_findings_severity", $"severity IN ({SeverityWords})");
                t.HasCheckConstraint("ck_findings_status", $"status IN ({FindingStatusWords})");
            });
            e.HasKey(x => x.Id);
            // A hash in hex: byte order compares it fastest and the same on every database locale.
            e.Property(x => x.Fingerprint).UseCollation("C");
            e.Property(x => x.Status).HasDefaultValue("open");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            // The ingest's upsert target (ON CONFLICT (tenant_id, fingerprint)).
            e.HasIndex(x => new { x.TenantId, x.Fingerprint }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.FirstSeen, x.Id });
            e.HasIndex(x => new { x.FirstSeen, x.Id });
            // A clean run's resolution: the findings of one scanner on one host.
            e.HasIndex(x => new { x.TenantId, x.Scanner, x.Host });
            // Sorting by severity needs its rank (the words sort alphabetically). Sorts by severity and the export's
            // order (scanner, first seen) are index range scans within a tenant. Only columns an ingest rarely or never
            // changes are indexed: an index on last_seen would make every "seen again" update a non-HOT update that
            // rewrites every index entry of the row (see docs/findings-queries.md).
            e.Property(x => x.SeverityRank)
                .HasComputedColumnSql("CASE severity WHEN 'info' THEN 1 WHEN 'low' THEN 2 WHEN 'medium' THEN 3 WHEN 'high' THEN 4 ELSE 5 END", stored: true);
            e.HasIndex(x => new { x.TenantId, x.SeverityRank, x.Id });
            e.HasIndex(x => new { x.TenantId, x.Scanner, x.FirstSeen, x.Id });
        });

        modelBuilder.Entity<FindingObservationEntity>(e =>
        {
            e.ToTable(ObservationsTable);
            // Idempotency per (command attempt, fingerprint); also the attempt's count and list, in one range.
            e.HasKey(x => new { x.CommandId, x.Attempt, x.Fingerprint });
            e.Property(x => x.Fingerprint).UseCollation("C");
            e.HasOne<CommandEntity>().WithMany().HasForeignKey(x => x.CommandId).OnDelete(DeleteBehavior.Restrict);
            // finding_id is no foreign key: the ingest takes it from the upsert's RETURNING in the same statement, and a
            // key would need an index on it (one more index write per observation) that no query uses.
            e.HasIndex(x => new { x.TenantId, x.CommandId, x.Attempt });
        });

        modelBuilder.Entity<FindingStatusChangeEntity>(e =>
        {
            e.ToTable(StatusHistoryTable, t =>
            {
                t.HasCheckConstraint("ck_finding_status_history_from_status", $"from_status IN ({FindingStatusWords})");
                t.HasCheckConstraint("ck_finding_status_history_to_status", $"to_status IN ({FindingStatusWords})");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasOne<FindingEntity>().WithMany().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.FindingId, x.Id });
        });

        modelBuilder.Entity<AssetKindEntity>(e =>
        {
            e.ToTable("asset_kinds");
            e.HasKey(x => x.Name);
            e.HasData(AssetKind.Seed.Select(k => new AssetKindEntity { Name = k.Name, Description = k.Description, BelongsToHost = k.BelongsToHost }));
        });

        modelBuilder.Entity<AssetEntity>(e =>
        {
            e.ToTable("assets");
            e.HasKey(x => x.Id);
            e.Property(x => x.Labels).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
            e.HasOne<TenantEntity>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<AssetKindEntity>().WithMany().HasForeignKey(x => x.Kind).OnDelete(DeleteBehavior.Restrict);
            // The identity (the ingest's upsert target): one asset per tenant, kind and normalized value.
            e.HasIndex(x => new { x.TenantId, x.Kind, x.Value }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.FirstSeen, x.Id });
            e.HasIndex(x => new { x.FirstSeen, x.Id });
        });

        ConfigureGroupsAndVulnerabilities(modelBuilder);
        ConfigureScans(modelBuilder);
        ConfigureComponents(modelBuilder);
        UseByteOrderForIds(modelBuilder);
    }

    /// <summary>
    /// Ids are opaque ASCII compared byte-wise (collation "C"), so keyset pages follow the same (time, id)
    /// order as an ordinal sort whatever the database's locale; id and foreign-id columns share the collation
    /// so that comparing them never mixes collations.
    /// </summary>
    private static void UseByteOrderForIds(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (property.ClrType == typeof(string) && property.Name.EndsWith("Id", StringComparison.Ordinal))
                {
                    property.SetCollation("C");
                }
            }
        }
    }
}
