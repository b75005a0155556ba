using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <summary>
    /// Scan profiles, the counts of scan records (a scan record is a command and its counts), the profile a command was
    /// queued from, and the software components of assets. The new tenant-owned tables get the row-level security
    /// policies of the RowLevelSecurity migration.
    /// </summary>
    public partial class ScansProfilesComponents : Migration
    {
        private static readonly string[] TenantTables = ["scan_profiles", "scan_counts", "asset_components"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "profile_name",
                table: "commands",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "asset_components",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    asset_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    component_key = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<string>(type: "text", nullable: false),
                    purl = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_command_id = table.Column<string>(type: "text", nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_components", x => x.id);
                    table.ForeignKey(
                        name: "fk_asset_components_assets_asset_id",
                        column: x => x.asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_asset_components_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "scan_counts",
                columns: table => new
                {
                    command_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    new_findings = table.Column<int>(type: "integer", nullable: false),
                    seen_again = table.Column<int>(type: "integer", nullable: false),
                    resolved = table.Column<int>(type: "integer", nullable: false),
                    info = table.Column<int>(type: "integer", nullable: false),
                    low = table.Column<int>(type: "integer", nullable: false),
                    medium = table.Column<int>(type: "integer", nullable: false),
                    high = table.Column<int>(type: "integer", nullable: false),
                    critical = table.Column<int>(type: "integer", nullable: false),
                    components = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan_counts", x => x.command_id);
                    table.ForeignKey(
                        name: "fk_scan_counts_commands_command_id",
                        column: x => x.command_id,
                        principalTable: "commands",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_scan_counts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "scan_profiles",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    name = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    scanner = table.Column<string>(type: "text", nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    target_agent_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    selector_labels = table.Column<string>(type: "jsonb", nullable: false),
                    required_capabilities = table.Column<List<string>>(type: "text[]", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    timeout_seconds = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan_profiles", x => x.id);
                    table.ForeignKey(
                        name: "fk_scan_profiles_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_commands_tenant_id_profile_name_created_at_id",
                table: "commands",
                columns: new[] { "tenant_id", "profile_name", "created_at", "id" },
                filter: "profile_name IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_asset_components_asset_id_first_seen_id",
                table: "asset_components",
                columns: new[] { "asset_id", "first_seen", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_asset_components_tenant_id_asset_id_component_key",
                table: "asset_components",
                columns: new[] { "tenant_id", "asset_id", "component_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_scan_counts_tenant_id",
                table: "scan_counts",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_scan_profiles_tenant_id_created_at_id",
                table: "scan_profiles",
                columns: new[] { "tenant_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_scan_profiles_tenant_id_name",
                table: "scan_profiles",
                columns: new[] { "tenant_id", "name" },
                unique: true);

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
            migrationBuilder.DropTable(
                name: "asset_components");

            migrationBuilder.DropTable(
                name: "scan_counts");

            migrationBuilder.DropTable(
                name: "scan_profiles");

            migrationBuilder.DropIndex(
                name: "ix_commands_tenant_id_profile_name_created_at_id",
                table: "commands");

            migrationBuilder.DropColumn(
                name: "profile_name",
                table: "commands");
        }
    }
}
