using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Findings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "finding_observations",
                columns: table => new
                {
                    command_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    fingerprint = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    finding_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_finding_observations", x => new { x.command_id, x.attempt, x.fingerprint });
                    table.ForeignKey(
                        name: "fk_finding_observations_commands_command_id",
                        column: x => x.command_id,
                        principalTable: "commands",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "findings",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    fingerprint = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    scanner = table.Column<string>(type: "text", nullable: false),
                    rule_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    title = table.Column<string>(type: "text", nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false),
                    asset_kind = table.Column<string>(type: "text", nullable: false),
                    asset_value = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    file = table.Column<string>(type: "text", nullable: false),
                    line = table.Column<int>(type: "integer", nullable: false),
                    column = table.Column<int>(type: "integer", nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    protocol = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    cves = table.Column<List<string>>(type: "text[]", nullable: false),
                    cwes = table.Column<List<string>>(type: "text[]", nullable: false),
                    evidence = table.Column<string>(type: "text", nullable: false),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    occurrences = table.Column<long>(type: "bigint", nullable: false),
                    last_command_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false, defaultValue: "open")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_findings", x => x.id);
                    table.CheckConstraint("ck_findings_severity", "severity IN ('info', 'low', 'medium', 'high', 'critical')");
                    table.ForeignKey(
                        name: "fk_findings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_finding_observations_tenant_id_command_id_attempt",
                table: "finding_observations",
                columns: new[] { "tenant_id", "command_id", "attempt" });

            migrationBuilder.CreateIndex(
                name: "ix_findings_first_seen_id",
                table: "findings",
                columns: new[] { "first_seen", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_findings_tenant_id_fingerprint",
                table: "findings",
                columns: new[] { "tenant_id", "fingerprint" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_findings_tenant_id_first_seen_id",
                table: "findings",
                columns: new[] { "tenant_id", "first_seen", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "finding_observations");

            migrationBuilder.DropTable(
                name: "findings");
        }
    }
}
