using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecPlatform.ControlPlane.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "admin_audit_logs",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    action = table.Column<string>(type: "text", nullable: false),
                    resource_type = table.Column<string>(type: "text", nullable: false),
                    resource_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    peer_address = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: false),
                    previous_hash = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_audit_logs", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_head",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false),
                    hash = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_head", x => x.id);
                    table.CheckConstraint("ck_audit_head_single_row", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "platform_agent_registrations",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    token_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    peer_address = table.Column<string>(type: "text", nullable: false),
                    succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_agent_registrations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "reaper_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_run_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    grace_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reaper_state", x => x.id);
                    table.CheckConstraint("ck_reaper_state_single_row", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    name = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "admin_users",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    name = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "text", nullable: false),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    key_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    key_rotated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_users", x => x.id);
                    table.CheckConstraint("ck_admin_users_role", "role IN ('super_admin', 'ops_admin', 'readonly')");
                    table.ForeignKey(
                        name: "fk_admin_users_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "platform_agent_bootstrap_tokens",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    secret_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    max_uses = table.Column<int>(type: "integer", nullable: false),
                    used_count = table.Column<int>(type: "integer", nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    cidrs = table.Column<List<string>>(type: "text[]", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_agent_bootstrap_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_platform_agent_bootstrap_tokens_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    name = table.Column<string>(type: "text", nullable: false),
                    hostname = table.Column<string>(type: "text", nullable: false),
                    os = table.Column<string>(type: "text", nullable: false),
                    arch = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<string>(type: "text", nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    capabilities = table.Column<string>(type: "jsonb", nullable: false),
                    registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    bootstrap_token_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    cordoned = table.Column<bool>(type: "boolean", nullable: false),
                    draining = table.Column<bool>(type: "boolean", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deregistered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agents", x => x.id);
                    table.ForeignKey(
                        name: "fk_agents_platform_agent_bootstrap_tokens_bootstrap_token_id",
                        column: x => x.bootstrap_token_id,
                        principalTable: "platform_agent_bootstrap_tokens",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_agents_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "agent_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    agent_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    secret_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_agent_keys_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_leases",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    holder_identity = table.Column<string>(type: "text", nullable: true),
                    held = table.Column<bool>(type: "boolean", nullable: false),
                    lease_duration_seconds = table.Column<int>(type: "integer", nullable: false),
                    acquire_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    renew_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_transitions = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_leases", x => x.agent_id);
                    table.ForeignKey(
                        name: "fk_agent_leases_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "audit_head",
                columns: new[] { "id", "count", "hash" },
                values: new object[] { 1, 0L, "0000000000000000000000000000000000000000000000000000000000000000" });

            migrationBuilder.InsertData(
                table: "reaper_state",
                columns: new[] { "id", "grace_until", "last_run_at" },
                values: new object[] { 1, null, null });

            migrationBuilder.CreateIndex(
                name: "ix_admin_audit_logs_tenant_id_sequence",
                table: "admin_audit_logs",
                columns: new[] { "tenant_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_admin_users_tenant_id_created_at_id",
                table: "admin_users",
                columns: new[] { "tenant_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_agent_keys_agent_id",
                table: "agent_keys",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "ix_agent_leases_expires_at_held",
                table: "agent_leases",
                column: "expires_at",
                filter: "held");

            migrationBuilder.CreateIndex(
                name: "ix_agents_bootstrap_token_id",
                table: "agents",
                column: "bootstrap_token_id");

            migrationBuilder.CreateIndex(
                name: "ix_agents_registered_at_id",
                table: "agents",
                columns: new[] { "registered_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_agents_tenant_id_registered_at_id",
                table: "agents",
                columns: new[] { "tenant_id", "registered_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_platform_agent_bootstrap_tokens_created_at_id",
                table: "platform_agent_bootstrap_tokens",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_platform_agent_bootstrap_tokens_tenant_id_created_at_id",
                table: "platform_agent_bootstrap_tokens",
                columns: new[] { "tenant_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_platform_agent_registrations_tenant_id_time_id",
                table: "platform_agent_registrations",
                columns: new[] { "tenant_id", "time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_platform_agent_registrations_time_id",
                table: "platform_agent_registrations",
                columns: new[] { "time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tenants_created_at_id",
                table: "tenants",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tenants_name",
                table: "tenants",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "admin_audit_logs");

            migrationBuilder.DropTable(
                name: "admin_users");

            migrationBuilder.DropTable(
                name: "agent_keys");

            migrationBuilder.DropTable(
                name: "agent_leases");

            migrationBuilder.DropTable(
                name: "audit_head");

            migrationBuilder.DropTable(
                name: "platform_agent_registrations");

            migrationBuilder.DropTable(
                name: "reaper_state");

            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "platform_agent_bootstrap_tokens");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}
