using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <summary>
    /// Row-level security on every tenant-owned table, a second wall behind the application's tenant checks. A row is
    /// visible (and writable) in its tenant's context (<c>app.tenant_id</c>) or in the explicit platform context
    /// (<c>app.platform = on</c>), both set per transaction by the store; with neither, no row is. Rows of no tenant
    /// (platform tokens and agents, platform-level audit events) are seen only in the platform context. Not FORCEd:
    /// the owner runs migrations and is not the service role (see docs/tenant-isolation.md).
    /// </summary>
    public partial class RowLevelSecurity : Migration
    {
        private static readonly string[] TenantTables =
        [
            "platform_agent_bootstrap_tokens",
            "platform_agent_registrations",
            "agents",
            "agent_keys",
            "agent_leases",
            "commands",
            "findings",
            "finding_observations",
            "finding_status_history",
            "assets",
            "admin_audit_logs",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_context ON {table}
                        USING (tenant_id = current_setting('app.tenant_id', true))
                        WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
                    CREATE POLICY platform_context ON {table}
                        USING (current_setting('app.platform', true) = 'on')
                        WITH CHECK (current_setting('app.platform', true) = 'on');
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    DROP POLICY platform_context ON {table};
                    DROP POLICY tenant_context ON {table};
                    ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
                    """);
            }
        }
    }
}
