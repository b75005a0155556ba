using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The scans and profiles API suite on the embedded store.</summary>
public sealed class LiteDbScanApiTests : ScanApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}
