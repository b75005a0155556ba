using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The cross-tenant matrix on the embedded store (each test gets its own data directory).</summary>
public sealed class LiteDbCrossTenantMatrixTests : CrossTenantMatrixTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}
