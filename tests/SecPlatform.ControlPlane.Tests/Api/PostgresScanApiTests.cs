using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The scans and profiles API suite on a real PostgreSQL (each test gets its own database).</summary>
public sealed class PostgresScanApiTests(PostgresServer server) : ScanApiTests, IClassFixture<PostgresServer>
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => PostgresControlPlanes.StartAsync(server, extraArgs);
}
