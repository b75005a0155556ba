using SecPlatform.ControlPlane.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The command queue API suite on the embedded store (each test gets its own data directory).</summary>
public sealed class LiteDbCommandQueueApiTests(ITestOutputHelper output) : CommandQueueApiTests(output)
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}
