using Microsoft.EntityFrameworkCore;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>The one place that configures the context, so the store, the migrator and the EF tools agree.</summary>
internal static class ControlPlaneDbContextOptions
{
    public static DbContextOptions<ControlPlaneDbContext> Create(NpgsqlDataSource dataSource) =>
        Configure(new DbContextOptionsBuilder<ControlPlaneDbContext>(), b => b.UseNpgsql(dataSource, ConfigureNpgsql)).Options;

    /// <summary>The store's options: every statement carries the call's row-level security context.</summary>
    public static DbContextOptions<ControlPlaneDbContext> Create(NpgsqlDataSource dataSource, RowSecurity rls) =>
        Configure(new DbContextOptionsBuilder<ControlPlaneDbContext>(), b => b.UseNpgsql(dataSource, ConfigureNpgsql))
            .AddInterceptors(new RowSecurityCommandInterceptor(rls)).Options;

    public static DbContextOptions<ControlPlaneDbContext> Create(string connectionString) =>
        Configure(new DbContextOptionsBuilder<ControlPlaneDbContext>(), b => b.UseNpgsql(connectionString, ConfigureNpgsql)).Options;

    private static DbContextOptionsBuilder<ControlPlaneDbContext> Configure(
        DbContextOptionsBuilder<ControlPlaneDbContext> builder, Action<DbContextOptionsBuilder<ControlPlaneDbContext>> useNpgsql)
    {
        useNpgsql(builder);
        return builder
            .UseSnakeCaseNamingConvention()
            // Reads are mapped to domain objects at once; writes that need tracking ask for it.
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    private static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable(ControlPlaneDbContext.HistoryTable);
}
