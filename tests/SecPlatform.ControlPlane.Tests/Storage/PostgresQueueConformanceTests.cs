using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>The command queue conformance suite on a real PostgreSQL, one migrated database per test, as the service role.</summary>
public sealed class PostgresQueueConformanceTests(PostgresServer server) : QueueConformanceTests, IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresStoreFactory _stores = new(server);

    protected override async Task<IControlPlaneStore> CreateStoreAsync() => await _stores.CreateAsync();

    protected override bool CompletesWithKey => true;

    public void Dispose() => _stores.Dispose();
}
