using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FindingLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "finding_status_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    finding_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    from_status = table.Column<string>(type: "text", nullable: false),
                    to_status = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    command_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_finding_status_history", x => x.id);
                    table.CheckConstraint("ck_finding_status_history_from_status", "from_status IN ('open', 'resolved', 'reopened', 'false_positive', 'accepted_risk')");
                    table.CheckConstraint("ck_finding_status_history_to_status", "to_status IN ('open', 'resolved', 'reopened', 'false_positive', 'accepted_risk')");
                    table.ForeignKey(
                        name: "fk_finding_status_history_findings_finding_id",
                        column: x => x.finding_id,
                        principalTable: "findings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_finding_status_history_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_findings_tenant_id_scanner_host",
                table: "findings",
                columns: new[] { "tenant_id", "scanner", "host" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_findings_status",
                table: "findings",
                sql: "status IN ('open', 'resolved', 'reopened', 'false_positive', 'accepted_risk')");

            migrationBuilder.CreateIndex(
                name: "ix_finding_status_history_finding_id_id",
                table: "finding_status_history",
                columns: new[] { "finding_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_finding_status_history_tenant_id",
                table: "finding_status_history",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "finding_status_history");

            migrationBuilder.DropIndex(
                name: "ix_findings_tenant_id_scanner_host",
                table: "findings");

            migrationBuilder.DropCheckConstraint(
                name: "ck_findings_status",
                table: "findings");
        }
    }
}
