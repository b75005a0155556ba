using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class ProfilesCommandTests : CommandTestBase
{
    [Fact]
    public async Task Create_EveryFlag_IsMappedIntoTheRequest()
    {
        var run = await RunAsync("profiles", "create", "web-ports", "--tenant", "acme", "--scanner", "nmap",
            "--param", "host=192.0.2.10", "--param", "ports=1-1024", "--label", "env=prod", "--capability", "net-raw",
            "--priority", "5", "--max-attempts", "2", "--timeout", "15m", "--description", "the web tier");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<CreateScanProfileRequest>();
        Assert.Equal(("web-ports", "acme", "nmap", "192.0.2.10", "1-1024"),
            (request.Name, request.Tenant, request.Scanner, request.Parameters["host"], request.Parameters["ports"]));
        Assert.Equal(("prod", "net-raw", 5, 2, 900, "the web tier"),
            (request.Labels["env"], Assert.Single(request.RequiredCapabilities), request.Priority, request.MaxAttempts, request.TimeoutSeconds, request.Description));
        Assert.Contains(run.OutLines, line => line.StartsWith("name:", StringComparison.Ordinal) && line.EndsWith("web-ports", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_NameTaken_OneLineAndFailure()
    {
        var run = await RunAsync("profiles", "create", "nightly", "--tenant", "acme", "--scanner", "shellcheck", "--param", "path=/srv");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("named 'nightly' already", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("create", "--tenant", "acme", "--scanner", "shellcheck")]
    [InlineData("create", "p", "--tenant", "acme")]
    [InlineData("create", "p", "--scanner", "shellcheck", "--param", "nopath")]
    [InlineData("get")]
    [InlineData("delete")]
    public async Task BadArguments_ExitUsageWithOneLine(params string[] args)
    {
        var run = await RunAsync(["profiles", .. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("secplat: ", Assert.Single(run.ErrorLines));
        Assert.Empty(ControlPlane.State.Requests);
    }

    [Fact]
    public async Task List_Tenant_MappedAndShownAsTable()
    {
        var run = await RunAsync("profiles", "list", "--tenant", "acme");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("acme", ControlPlane.State.Last<ListScanProfilesRequest>().Tenant);
        Assert.Contains("NAME", run.OutLines[0]);
        Assert.Contains("nightly", run.OutLines[1]);
        Assert.Contains("path=/srv/app", run.OutLines[1]);
    }

    [Fact]
    public async Task GetAndDelete_ByNameWithTenant_ShowTheProfile()
    {
        var got = await RunAsync("profiles", "get", "nightly", "--tenant", "acme");
        Assert.True(got.ExitCode == 0, got.Error);
        Assert.Equal(("nightly", "acme"), (ControlPlane.State.Last<GetScanProfileRequest>().Profile, ControlPlane.State.Last<GetScanProfileRequest>().Tenant));
        Assert.Contains(got.OutLines, line => line.StartsWith("scanner:", StringComparison.Ordinal) && line.EndsWith("shellcheck", StringComparison.Ordinal));

        var deleted = await RunAsync("profiles", "delete", FakeScanService.ProfileId);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal(FakeScanService.ProfileId, ControlPlane.State.Last<DeleteScanProfileRequest>().Profile);
    }

    [Fact]
    public async Task Get_Unknown_NotFound()
    {
        var run = await RunAsync("profiles", "get", "weekly");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("secplat: scan profile 'weekly' not found", Assert.Single(run.ErrorLines));
    }
}
