using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FindingSort : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "severity_rank",
                table: "findings",
                type: "integer",
                nullable: false,
                computedColumnSql: "CASE severity WHEN 'info' THEN 1 WHEN 'low' THEN 2 WHEN 'medium' THEN 3 WHEN 'high' THEN 4 ELSE 5 END",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_findings_tenant_id_scanner_first_seen_id",
                table: "findings",
                columns: new[] { "tenant_id", "scanner", "first_seen", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_findings_tenant_id_severity_rank_id",
                table: "findings",
                columns: new[] { "tenant_id", "severity_rank", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_findings_tenant_id_scanner_first_seen_id",
                table: "findings");

            migrationBuilder.DropIndex(
                name: "ix_findings_tenant_id_severity_rank_id",
                table: "findings");

            migrationBuilder.DropColumn(
                name: "severity_rank",
                table: "findings");
        }
    }
}
