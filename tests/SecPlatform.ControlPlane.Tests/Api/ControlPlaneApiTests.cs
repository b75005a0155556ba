using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>Base of API tests that run on both stores: a provider's class says how to start a control plane on it.</summary>
public abstract class ControlPlaneApiTests
{
    /// <summary>A control plane on a fresh store of the provider under test.</summary>
    protected abstract Task<TestControlPlane> StartAsync(params string[] extraArgs);
}
