using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Assets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "asset_id",
                table: "findings",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "asset_kinds",
                columns: table => new
                {
                    name = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    belongs_to_host = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_asset_kinds", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    kind = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assets", x => x.id);
                    table.ForeignKey(
                        name: "fk_assets_asset_kinds_kind",
                        column: x => x.kind,
                        principalTable: "asset_kinds",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assets_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "asset_kinds",
                columns: new[] { "name", "belongs_to_host", "description" },
                values: new object[,]
                {
                    { "host", false, "A machine, by host name" },
                    { "ip", false, "A network address" },
                    { "path", true, "A file or directory on a host (host:/absolute/path)" },
                    { "repository", false, "A source repository" },
                    { "url", false, "A web address" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_assets_first_seen_id",
                table: "assets",
                columns: new[] { "first_seen", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assets_kind",
                table: "assets",
                column: "kind");

            migrationBuilder.CreateIndex(
                name: "ix_assets_tenant_id_first_seen_id",
                table: "assets",
                columns: new[] { "tenant_id", "first_seen", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assets_tenant_id_kind_value",
                table: "assets",
                columns: new[] { "tenant_id", "kind", "value" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assets");

            migrationBuilder.DropTable(
                name: "asset_kinds");

            migrationBuilder.DropColumn(
                name: "asset_id",
                table: "findings");
        }
    }
}
