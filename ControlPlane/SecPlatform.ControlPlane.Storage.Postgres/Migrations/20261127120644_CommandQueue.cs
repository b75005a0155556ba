using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CommandQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "command_claim_seq");

            migrationBuilder.CreateTable(
                name: "commands",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    scanner = table.Column<string>(type: "text", nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    target_agent_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    selector_labels = table.Column<string>(type: "jsonb", nullable: false),
                    required_capabilities = table.Column<List<string>>(type: "text[]", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    timeout_seconds = table.Column<int>(type: "integer", nullable: false),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    idempotency_key = table.Column<string>(type: "text", nullable: true),
                    request_hash = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    status_reason = table.Column<string>(type: "text", nullable: false),
                    available_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sort_key = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    holder_identity = table.Column<string>(type: "text", nullable: true),
                    fencing_token = table.Column<long>(type: "bigint", nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    stop_requested = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    exit_code = table.Column<int>(type: "integer", nullable: true),
                    summary = table.Column<string>(type: "text", nullable: false),
                    error = table.Column<string>(type: "text", nullable: false),
                    log_tail = table.Column<string>(type: "text", nullable: false),
                    finding_count = table.Column<long>(type: "bigint", nullable: true),
                    truncated = table.Column<bool>(type: "boolean", nullable: false),
                    progress_percent = table.Column<int>(type: "integer", nullable: false),
                    progress_message = table.Column<string>(type: "text", nullable: false),
                    claim_seq = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commands", x => x.id);
                    table.CheckConstraint("ck_commands_status", "status IN ('queued', 'claimed', 'running', 'succeeded', 'failed', 'canceled', 'expired')");
                    table.ForeignKey(
                        name: "fk_commands_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_commands_active_agent_id",
                table: "commands",
                column: "agent_id",
                filter: "status IN ('claimed', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_commands_created_at_id",
                table: "commands",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_commands_queued_claim_order",
                table: "commands",
                columns: new[] { "tenant_id", "sort_key", "id" },
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_commands_queued_expires_at",
                table: "commands",
                column: "expires_at",
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_commands_stop_requested_agent_id",
                table: "commands",
                column: "agent_id",
                filter: "stop_requested");

            migrationBuilder.CreateIndex(
                name: "ix_commands_tenant_id_claim_seq",
                table: "commands",
                columns: new[] { "tenant_id", "claim_seq" });

            migrationBuilder.CreateIndex(
                name: "ix_commands_tenant_id_created_at_id",
                table: "commands",
                columns: new[] { "tenant_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_commands_tenant_id_idempotency_key",
                table: "commands",
                columns: new[] { "tenant_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "commands");

            migrationBuilder.DropSequence(
                name: "command_claim_seq");
        }
    }
}
