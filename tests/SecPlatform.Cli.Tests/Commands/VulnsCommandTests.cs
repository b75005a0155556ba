using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class VulnsCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_Tenant_MappedAndShownWithCounts()
    {
        var run = await RunAsync("vulns", "list", "--tenant", "acme");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("acme", ControlPlane.State.Last<ListVulnerabilitiesRequest>().Tenant);
        Assert.Contains("OPEN", run.OutLines[0]);
        Assert.StartsWith("CVE-2021-44228", run.OutLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ShowsAffectedAssets()
    {
        var run = await RunAsync("vulns", "get", "cve-2021-44228", "--tenant", "acme", "--output", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(("cve-2021-44228", "acme"), (ControlPlane.State.Last<GetVulnerabilityRequest>().Id, ControlPlane.State.Last<GetVulnerabilityRequest>().Tenant));
        Assert.Contains("affectedAssets", run.Out);
        Assert.Contains("web-1:/srv/app/run.sh", run.Out);
    }

    [Fact]
    public async Task Get_UnknownOrMalformed_NotFoundOrRefused()
    {
        var unknown = await RunAsync("vulns", "get", "CVE-2020-0001", "--tenant", "acme");
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("not found", unknown.Error);

        var bad = await RunAsync("vulns", "get", "log4shell", "--tenant", "acme");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("CVE id", bad.Error);
    }
}
