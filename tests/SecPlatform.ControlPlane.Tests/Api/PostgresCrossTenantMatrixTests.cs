using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The cross-tenant matrix on a real PostgreSQL (each test gets its own database).</summary>
public sealed class PostgresCrossTenantMatrixTests(PostgresServer server) : CrossTenantMatrixTests, IClassFixture<PostgresServer>
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => PostgresControlPlanes.StartAsync(server, extraArgs);
}
