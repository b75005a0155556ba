using SecPlatform.ControlPlane.Storage.Postgres;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Infrastructure;

/// <summary>Test control planes on a fresh PostgreSQL database each, migrated by its owner, served as the non-owner role.</summary>
public static class PostgresControlPlanes
{
    public static async Task<PostgresDatabase> CreateMigratedDatabaseAsync(PostgresServer server)
    {
        var database = await server.CreateDatabaseAsync();
        await new PostgresMigrator().MigrateAsync(database.OwnerConnectionString, database.ServiceRole, CancellationToken.None);
        return database;
    }

    public static string[] StoreArgs(PostgresDatabase database) =>
        ["--Storage:Provider", "Postgres", "--Storage:Postgres:ConnectionString", database.ServiceConnectionString];

    public static async Task<TestControlPlane> StartAsync(PostgresServer server, string[] extraArgs)
    {
        var database = await CreateMigratedDatabaseAsync(server);
        return await TestControlPlane.StartAsync(StoreArgs(database), extraArgs);
    }
}
