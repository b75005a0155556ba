using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Cli.Tests.Support;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class ErrorMappingTests
{
    [Fact]
    public async Task Run_ClosedPort_ExitsUnreachableWithOneLine()
    {
        var server = $"http://127.0.0.1:{ClosedPort.Get()}";

        var run = await CliRun.RunAsync(["tenants", "list", "--server", server, "--api-key", FakeControlPlane.ApiKey]);

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("secplat: cannot reach the control plane at", line);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Run_GrpcPortUnavailable_ExitsUnreachable()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync(grpcReachable: false);

        var run = await CliRun.RunAsync(["tenants", "list", "--server", controlPlane.Server, "--api-key", FakeControlPlane.ApiKey]);

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.StartsWith("secplat: the control plane is unavailable", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Run_NoKeyAnywhere_ExitsAuthenticationSayingHowToProvideOne()
    {
        using var dataDirectory = new TempDirectory();

        var run = await CliRun.RunAsync(["tenants", "list", "--data-dir", dataDirectory.Path, "--server", $"http://127.0.0.1:{ClosedPort.Get()}"]);

        Assert.Equal(ExitCodes.Authentication, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("secplat: no admin API key: pass --api-key KEY, set SECPLAT_API_KEY", line);
    }

    [Fact]
    public async Task Run_KeyFileInDataDirectory_IsUsed()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync();
        using var dataDirectory = new TempDirectory();
        dataDirectory.WriteFile(DataDirectory.InitialAdminKeyFileName, FakeControlPlane.ApiKey + "\n");

        var run = await CliRun.RunAsync(["tenants", "list", "--data-dir", dataDirectory.Path, "--server", controlPlane.Server]);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Run_ApiKeyFromEnvironment_IsUsed()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync();
        var environment = new Dictionary<string, string>
        {
            [CliEnvironment.ApiKeyVariable] = FakeControlPlane.ApiKey,
            [CliEnvironment.ServerVariable] = controlPlane.Server,
        };

        var run = await CliRun.RunAsync(["tenants", "list"], environment);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
    }

    [Fact]
    public async Task Run_WrongKey_ExitsAuthenticationWithServerDetail()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync();

        var run = await CliRun.RunAsync(["tenants", "list", "--server", controlPlane.Server, "--api-key", "spadm_wrong"]);

        Assert.Equal(ExitCodes.Authentication, run.ExitCode);
        Assert.Equal("secplat: the admin API key was refused", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Run_PermissionDenied_ExitsAuthentication()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync();

        var run = await CliRun.RunAsync(["tenants", "create", "forbidden", "--server", controlPlane.Server, "--api-key", FakeControlPlane.ApiKey]);

        Assert.Equal(ExitCodes.Authentication, run.ExitCode);
        Assert.Equal("secplat: a readonly admin cannot create tenants", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Run_NotFound_ExitsNotFound()
    {
        await using var controlPlane = await FakeControlPlane.StartAsync();

        var run = await CliRun.RunAsync(["agents", "get", "nope", "--server", controlPlane.Server, "--api-key", FakeControlPlane.ApiKey]);

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("secplat: agent 'nope' not found", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("tenants")]
    [InlineData("tenants", "lst")]
    [InlineData("tenants", "create")]
    [InlineData("tenants", "list", "--limit", "0")]
    [InlineData("tokens", "create", "--tenant", "acme", "--ttl", "5x")]
    [InlineData("tokens", "create", "--ttl", "1h")]
    [InlineData("tokens", "create", "--tenant", "acme", "--platform")]
    [InlineData("tokens", "create", "--platform", "--label", "novalue")]
    [InlineData("tokens", "create", "--platform", "--max-uses", "many")]
    [InlineData("admins", "create", "bob", "--role", "root")]
    [InlineData("admins", "create", "bob")]
    [InlineData("audit", "list", "--output", "yaml")]
    [InlineData("--server", "ftp://example", "tenants", "list", "--api-key", "k")]
    public async Task Run_UsageError_ExitsUsageWithOneLine(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("secplat: ", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
    }
}
