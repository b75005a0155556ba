using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The asset group and vulnerability API suite on the embedded store.</summary>
public sealed class LiteDbAssetGroupApiTests : AssetGroupApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}
