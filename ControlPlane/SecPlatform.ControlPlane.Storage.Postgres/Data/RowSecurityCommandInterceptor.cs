using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>
/// Sends the call's row-level security context in the same round trip as each statement EF runs: the
/// <c>set_config(..., true)</c> of <see cref="RowSecurity"/> is prepended to the command text. In a transaction it
/// sets the context for the rest of it; outside one, the statements of one command run in one implicit transaction
/// (up to the protocol's Sync), so a single-statement read needs no BEGIN, no separate set_config and no ROLLBACK.
/// The reader skips the prepended statement's row, so EF sees only its own results; non-queries count no SELECT rows.
/// Scalar commands (only EF's migration history checks) are left alone: they read no tenant-owned table.
/// </summary>
internal sealed class RowSecurityCommandInterceptor(RowSecurity rls) : DbCommandInterceptor
{
    private const string Marker = "/* rls */ ";

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Prepend(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Prepend(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (IsPrepended(command))
        {
            result.NextResult();
        }

        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (IsPrepended(command))
        {
            await result.NextResultAsync(cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Prepend(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Prepend(command);
        return ValueTask.FromResult(result);
    }

    private static bool IsPrepended(DbCommand command) => command.CommandText.StartsWith(Marker, StringComparison.Ordinal);

    private void Prepend(DbCommand command)
    {
        if (IsPrepended(command))
        {
            return;
        }

        var (tenant, platform) = rls.Values();
        // Npgsql takes either named or positional ($n) placeholders in one command, never both.
        var positional = command.Parameters.Count > 0 && command.Parameters.Cast<DbParameter>().Any(p => string.IsNullOrEmpty(p.ParameterName));
        string tenantName, platformName;
        if (positional)
        {
            tenantName = $"${command.Parameters.Count + 1}";
            platformName = $"${command.Parameters.Count + 2}";
            command.Parameters.Add(new NpgsqlParameter { Value = tenant });
            command.Parameters.Add(new NpgsqlParameter { Value = platform });
        }
        else
        {
            (tenantName, platformName) = ("@rls_tenant", "@rls_platform");
            command.Parameters.Add(new NpgsqlParameter("rls_tenant", tenant));
            command.Parameters.Add(new NpgsqlParameter("rls_platform", platform));
        }

        command.CommandText =
            $"{Marker}SELECT set_config('{RowSecurity.TenantSetting}', {tenantName}, true), set_config('{RowSecurity.PlatformSetting}', {platformName}, true);\n"
            + command.CommandText;
    }
}
