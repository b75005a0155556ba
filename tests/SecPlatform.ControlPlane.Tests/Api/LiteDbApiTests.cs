using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

// The API suites on the embedded store (each test gets its own data directory).

public sealed class LiteDbRegistrationApiTests : RegistrationApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}

public sealed class LiteDbLeaseApiTests : LeaseApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}

public sealed class LiteDbAdminAccessApiTests : AdminAccessApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}

public sealed class LiteDbAuditApiTests : AuditApiTests
{
    protected override Task<TestControlPlane> StartAsync(params string[] extraArgs) => TestControlPlane.StartAsync(extraArgs: extraArgs);
}
