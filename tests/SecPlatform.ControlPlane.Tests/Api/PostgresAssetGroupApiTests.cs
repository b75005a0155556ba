using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The asset group and vulnerability API suite on a real PostgreSQL (each test gets its own database).</summary>
public sealed class PostgresAssetGroupApiTests(PostgresServer server) : AssetGroupApiTests, IClassFixture<PostgresServer>
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => PostgresControlPlanes.StartAsync(server, extraArgs);
}
