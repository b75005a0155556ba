using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The finding query API suite (sort, summary, export) on the embedded store.</summary>
public sealed class LiteDbFindingQueryApiTests : FindingQueryApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}
