using System.Data.Common;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Agents;

/// <summary>The <c>agents</c> columns (alias <c>a</c>) that the raw one-round-trip statements return, and their reader.</summary>
internal static class AgentRows
{
    public const string Columns =
        "a.id, a.tenant_id, a.name, a.hostname, a.os, a.arch, a.version, a.labels::text, a.capabilities::text, a.registered_at, " +
        "a.bootstrap_token_id, a.cordoned, a.draining, a.revoked_at, a.deregistered_at";

    /// <summary>How many columns <see cref="Columns"/> names.</summary>
    public const int Count = 15;

    /// <summary>The agent from <see cref="Columns"/>, starting at ordinal <paramref name="at"/>.</summary>
    public static AgentEntity Read(DbDataReader reader, int at) => new()
    {
        Id = reader.GetString(at),
        TenantId = reader.IsDBNull(at + 1) ? null : reader.GetString(at + 1),
        Name = reader.GetString(at + 2),
        Hostname = reader.GetString(at + 3),
        Os = reader.GetString(at + 4),
        Arch = reader.GetString(at + 5),
        Version = reader.GetString(at + 6),
        Labels = reader.GetString(at + 7),
        Capabilities = reader.GetString(at + 8),
        RegisteredAt = reader.GetFieldValue<DateTimeOffset>(at + 9),
        BootstrapTokenId = reader.GetString(at + 10),
        Cordoned = reader.GetBoolean(at + 11),
        Draining = reader.GetBoolean(at + 12),
        RevokedAt = reader.IsDBNull(at + 13) ? null : reader.GetFieldValue<DateTimeOffset>(at + 13),
        DeregisteredAt = reader.IsDBNull(at + 14) ? null : reader.GetFieldValue<DateTimeOffset>(at + 14),
    };
}
