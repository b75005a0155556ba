using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SecPlatform.ControlPlane.Storage.Postgres.Data;

namespace SecPlatform.ControlPlane.Storage.Postgres;

/// <summary>
/// Applies the schema migrations as the database owner (the <c>migrate</c> verb; never at service start) and
/// grants the service role what it needs and no more: it cannot change or remove audit rows. Table grants follow
/// the EF model, so a new entity's table is granted without a change here.
/// </summary>
public sealed class PostgresMigrator(ILogger<PostgresMigrator>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<PostgresMigrator>.Instance;

    /// <summary>Applies pending migrations, then (idempotently) the service role's grants.</summary>
    /// <param name="ownerConnectionString">Connects as the role that owns (or will own) the tables.</param>
    /// <param name="serviceRole">The existing, non-owner, non-superuser role the service logs in as.</param>
    public async Task MigrateAsync(string ownerConnectionString, string serviceRole, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerConnectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceRole);
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await CheckServiceRoleAsync(dataSource, serviceRole, cancellationToken);

        await using (var db = new ControlPlaneDbContext(ControlPlaneDbContextOptions.Create(dataSource)))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            _logger.LogInformation("Applying {PendingCount} pending migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }

        await GrantAsync(dataSource, serviceRole, cancellationToken);
        _logger.LogInformation("Schema is current; privileges granted to service role {ServiceRole}", serviceRole);
    }

    /// <summary>The migrations this build has that the database lacks (all of them on an empty database).</summary>
    public async Task<IReadOnlyList<string>> GetPendingMigrationsAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var db = new ControlPlaneDbContext(ControlPlaneDbContextOptions.Create(dataSource));
        return [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
    }

    /// <summary>
    /// Database-enforced rules hold against the service only if it is neither the owner nor a superuser:
    /// refuse to set up a deployment where they would silently not apply.
    /// </summary>
    private static async Task CheckServiceRoleAsync(NpgsqlDataSource dataSource, string serviceRole, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT r.rolsuper, r.rolname = current_user FROM pg_catalog.pg_roles r WHERE r.rolname = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = serviceRole });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"the service role '{serviceRole}' does not exist: create it first (CREATE ROLE ... LOGIN PASSWORD ...)");
        }

        if (reader.GetBoolean(1))
        {
            throw new InvalidOperationException(
                $"the service role '{serviceRole}' is the role running the migrations: the service must log in as a role that does not own the tables");
        }

        if (reader.GetBoolean(0))
        {
            throw new InvalidOperationException(
                $"the service role '{serviceRole}' is a superuser: the service must log in as an ordinary role, or the database cannot protect the audit log");
        }
    }

    private static async Task GrantAsync(NpgsqlDataSource dataSource, string serviceRole, CancellationToken cancellationToken)
    {
        await using var db = new ControlPlaneDbContext(ControlPlaneDbContextOptions.Create(dataSource));
        var tables = db.Model.GetEntityTypes()
            .Select(e => e.GetTableName())
            .OfType<string>()
            .Where(t => t != ControlPlaneDbContext.AuditTable)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string schema, database;
        bool canUseTemp;
        await using (var current = new NpgsqlCommand(
            "SELECT current_schema(), current_database(), has_database_privilege($1, current_database(), 'TEMPORARY')", connection, transaction))
        {
            current.Parameters.Add(new NpgsqlParameter { Value = serviceRole });
            await using var reader = await current.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            schema = QuoteIdentifier(reader.IsDBNull(0)
                ? throw new InvalidOperationException("no schema on the search_path of the owner's connection")
                : reader.GetString(0));
            database = reader.GetString(1);
            canUseTemp = reader.GetBoolean(2);
        }

        var role = QuoteIdentifier(serviceRole);
        var audit = QuoteIdentifier(ControlPlaneDbContext.AuditTable);
        var sql = new StringBuilder();
        sql.AppendLine($"GRANT USAGE ON SCHEMA {schema} TO {role};");
        sql.AppendLine($"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {string.Join(", ", tables.Select(QuoteIdentifier))} TO {role};");
        // Audit rows are append-only for the service: the hash chain detects tampering, the grants prevent it.
        sql.AppendLine($"GRANT SELECT, INSERT ON TABLE {audit} TO {role};");
        sql.AppendLine($"REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {audit} FROM {role};");
        // The service reads the history to refuse a schema that lags the build; it never writes it.
        sql.AppendLine($"GRANT SELECT ON TABLE {QuoteIdentifier(ControlPlaneDbContext.HistoryTable)} TO {role};");
        sql.AppendLine($"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};");
        await using (var command = new NpgsqlCommand(sql.ToString(), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (!canUseTemp)
        {
            await GrantTemporaryAsync(connection, transaction, database, serviceRole, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The findings ingest stages each batch in a temporary table (COPY into a table with row-level security is
    /// refused), so the service needs TEMPORARY on the database. Only the database's owner (or a holder of the
    /// grant option) can give it, so this runs only when the role lacks it, and says what to do when it cannot.
    /// </summary>
    private static async Task GrantTemporaryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string database, string serviceRole, CancellationToken cancellationToken)
    {
        var remedy = $"the service role '{serviceRole}' needs the TEMPORARY privilege on database '{database}' (the findings ingest " +
            $"stages batches in temporary tables): as the database's owner, run GRANT TEMPORARY ON DATABASE {QuoteIdentifier(database)} " +
            $"TO {QuoteIdentifier(serviceRole)}, or migrate as the database's owner";
        await using var grant = new NpgsqlCommand(
            $"GRANT TEMPORARY ON DATABASE {QuoteIdentifier(database)} TO {QuoteIdentifier(serviceRole)}",
            connection, transaction);
        try
        {
            await grant.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(remedy, e);
        }

        // Without the grant option PostgreSQL only warns that nothing was granted.
        await using var check = new NpgsqlCommand("SELECT has_database_privilege($1, current_database(), 'TEMPORARY')", connection, transaction);
        check.Parameters.Add(new NpgsqlParameter { Value = serviceRole });
        if (await check.ExecuteScalarAsync(cancellationToken) is not true)
        {
            throw new InvalidOperationException(remedy);
        }
    }

    /// <summary>A double-quoted SQL identifier: embedded quotes are doubled, so any role name is safe.</summary>
    private static string QuoteIdentifier(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("an identifier cannot contain NUL", nameof(name));
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
