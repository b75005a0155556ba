using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Stores as production runs them: a fresh database migrated by its owner, the store connected as the non-owner
/// service role and its schema check passed. Calls without a tenant context run in the platform context: these
/// suites test the store contract across tenants; row-level security has its own tests. Disposing closes the stores' connection pools, so a long suite does
/// not exhaust the server's connections.
/// </summary>
internal sealed class PostgresStoreFactory(PostgresServer server) : IDisposable
{
    private readonly Dictionary<PostgresControlPlaneStore, PostgresDatabase> _databases = [];

    public async Task<PostgresControlPlaneStore> CreateAsync()
    {
        var database = await server.CreateDatabaseAsync();
        await new PostgresMigrator().MigrateAsync(database.OwnerConnectionString, database.ServiceRole, CancellationToken.None);
        var store = new PostgresControlPlaneStore(database.ServiceConnectionString, TenantContext.Platform);
        lock (_databases)
        {
            _databases.Add(store, database);
        }

        await store.EnsureSchemaCurrentAsync(CancellationToken.None);
        return store;
    }

    /// <summary>The database behind a store this factory made (for owner access behind the store's back).</summary>
    public PostgresDatabase DatabaseOf(IControlPlaneStore store)
    {
        lock (_databases)
        {
            return _databases[(PostgresControlPlaneStore)store];
        }
    }

    public void Dispose()
    {
        lock (_databases)
        {
            foreach (var store in _databases.Keys)
            {
                store.Dispose();
            }

            _databases.Clear();
        }
    }
}
