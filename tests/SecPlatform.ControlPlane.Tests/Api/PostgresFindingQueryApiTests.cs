using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The finding query API suite (sort, summary, export) on a real PostgreSQL.</summary>
public sealed class PostgresFindingQueryApiTests(PostgresServer server) : FindingQueryApiTests, IClassFixture<PostgresServer>
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => PostgresControlPlanes.StartAsync(server, extraArgs);
}
