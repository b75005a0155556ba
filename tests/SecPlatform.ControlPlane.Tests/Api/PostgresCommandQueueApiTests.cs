using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;
using Xunit.Abstractions;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The command queue API suite on a real PostgreSQL (each test gets its own database).</summary>
public sealed class PostgresCommandQueueApiTests(PostgresServer server, ITestOutputHelper output) : CommandQueueApiTests(output), IClassFixture<PostgresServer>
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => PostgresControlPlanes.StartAsync(server, extraArgs);
}
