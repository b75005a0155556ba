using Npgsql;
using SecPlatform.ControlPlane.Storage.Postgres;

namespace SecPlatform.ControlPlane.Hosting;

/// <summary>
/// <c>SecPlatform.ControlPlane migrate [--connection CS] [--service-role ROLE]</c>: applies PostgreSQL
/// migrations as the owner and grants the service role its rights. The service never migrates by itself.
/// </summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string>
            {
                ["--connection"] = "Storage:Postgres:MigrationConnectionString",
                ["--service-role"] = "Storage:Postgres:ServiceRole",
            })
            .Build();
        var postgres = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.Postgres ?? new StorageOptions.PostgresStorageOptions();
        var ownerConnection = postgres.MigrationConnectionString;
        if (string.IsNullOrWhiteSpace(ownerConnection))
        {
            await Console.Error.WriteLineAsync("migrate: give the owner's connection string with --connection \"Host=...;Username=owner;...\" (or Storage__Postgres__MigrationConnectionString)");
            return 2;
        }

        var serviceRole = postgres.ServiceRole;
        if (string.IsNullOrWhiteSpace(serviceRole) && !string.IsNullOrWhiteSpace(postgres.ConnectionString))
        {
            serviceRole = new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Username;
        }

        if (string.IsNullOrWhiteSpace(serviceRole))
        {
            await Console.Error.WriteLineAsync("migrate: name the role the service runs as with --service-role ROLE (or set Storage__Postgres__ConnectionString)");
            return 2;
        }

        try
        {
            await new PostgresMigrator().MigrateAsync(ownerConnection, serviceRole, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"migrate: {e.Message}");
            return 1;
        }

        await Console.Out.WriteLineAsync($"migrate: the schema is up to date; role '{serviceRole}' has the service's rights");
        return 0;
    }
}
