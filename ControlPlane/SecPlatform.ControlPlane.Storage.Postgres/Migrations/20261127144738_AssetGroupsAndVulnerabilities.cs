using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <summary>
    /// Asset groups (static members, or a label selector evaluated when read), vulnerabilities (global definitions) and
    /// the links from a tenant's findings to them. The new tenant-owned tables get the row-level security policies of
    /// the RowLevelSecurity migration; <c>vulnerabilities</c> holds no tenant data (which tenant's findings name a
    /// vulnerability is in <c>finding_vulnerabilities</c>). A GIN index serves label selectors (<c>labels @&gt; ...</c>).
    /// </summary>
    public partial class AssetGroupsAndVulnerabilities : Migration
    {
        private static readonly string[] TenantTables = ["asset_groups", "asset_group_members", "finding_vulnerabilities"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "asset_groups",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    name = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    selector = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_groups", x => x.id);
                    table.ForeignKey(
                        name: "fk_asset_groups_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "finding_vulnerabilities",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    vulnerability_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    finding_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_finding_vulnerabilities", x => new { x.tenant_id, x.vulnerability_id, x.finding_id });
                });

            migrationBuilder.CreateTable(
                name: "vulnerabilities",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vulnerabilities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "asset_group_members",
                columns: table => new
                {
                    group_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    asset_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_group_members", x => new { x.group_id, x.asset_id });
                    table.ForeignKey(
                        name: "fk_asset_group_members_asset_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "asset_groups",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_asset_group_members_assets_asset_id",
                        column: x => x.asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_asset_group_members_asset_id",
                table: "asset_group_members",
                column: "asset_id");

            migrationBuilder.CreateIndex(
                name: "ix_asset_groups_tenant_id_created_at_id",
                table: "asset_groups",
                columns: new[] { "tenant_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_asset_groups_tenant_id_name",
                table: "asset_groups",
                columns: new[] { "tenant_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_finding_vulnerabilities_finding_id",
                table: "finding_vulnerabilities",
                column: "finding_id");

            migrationBuilder.Sql("CREATE INDEX ix_assets_labels ON assets USING gin (labels jsonb_path_ops);");
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
            migrationBuilder.Sql("DROP INDEX ix_assets_labels;");
            migrationBuilder.DropTable(
                name: "asset_group_members");

            migrationBuilder.DropTable(
                name: "finding_vulnerabilities");

            migrationBuilder.DropTable(
                name: "vulnerabilities");

            migrationBuilder.DropTable(
                name: "asset_groups");
        }
    }
}
