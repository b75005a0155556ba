using SecPlatform.Cli.Commands;
using System.Text.Json.Nodes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class AgentsCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_Table_HasAgentColumns()
    {
        var run = await RunAsync("agents", "list", "--tenant", "tn-acme");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ID   NAME   TENANT   HEALTH  VERSION  LAST RENEW            FLAGS", lines[0]);
        Assert.Equal("ag1  web-1  tn-acme  online  0.1.0    2025-06-01T12:00:00Z  cordoned", lines[1]);
        Assert.Equal("tn-acme", ControlPlane.State.Last<ListAgentsRequest>().Tenant);
    }

    [Fact]
    public async Task List_AgentOlderThanTheControlPlane_FlaggedOutdated()
    {
        ControlPlane.State.Version = "0.2.0";

        var run = await RunAsync("agents", "list");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ag1  web-1  tn-acme  online  0.1.0 (outdated)  2025-06-01T12:00:00Z  cordoned", lines[1]);
    }

    [Theory]
    [InlineData("0.1.0")]
    [InlineData("0.1.0-rc.1")]
    [InlineData("0.0.9")]
    [InlineData("fake")]
    public async Task List_AgentSameOrNewerOrUnknownControlPlaneVersion_NotFlagged(string controlPlaneVersion)
    {
        ControlPlane.State.Version = controlPlaneVersion;

        var run = await RunAsync("agents", "list");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("outdated", run.Out);
    }

    [Theory]
    [InlineData("1.2.0+abc123", "1.3.0", "1.2.0 (outdated)")]
    [InlineData("1.3.0+abc123", "1.3.0", "1.3.0")]
    [InlineData("", "1.3.0", "")]
    public void VersionCell_StripsBuildMetadataAndFlagsOlder(string agent, string controlPlane, string expected) =>
        Assert.Equal(expected, AgentsCommand.VersionCell(agent, controlPlane));

    [Fact]
    public async Task List_Json_UsesEnumWordsAndCamelCase()
    {
        var run = await RunAsync("agents", "list", "--output", "json");

        var agent = JsonNode.Parse(run.Out)!["items"]![0]!;
        Assert.Equal("online", agent["health"]!.GetValue<string>());
        Assert.Equal("tn-acme", agent["tenantId"]!.GetValue<string>());
        Assert.Equal("2025-06-01T12:00:00Z", agent["lease"]!["renewTime"]!.GetValue<string>());
        Assert.Equal("prod", agent["labels"]!["env"]!.GetValue<string>());
        Assert.Equal("shellcheck", agent["capabilities"]![0]!["scanner"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Table_PrintsDetail()
    {
        var run = await RunAsync("agents", "get", "ag1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("health:", run.Out);
        Assert.Contains("online", run.Out);
        Assert.Contains("  - scanner=shellcheck version=0.9.0", run.Out);
        Assert.Contains("  env: prod", run.Out);
    }

    [Fact]
    public async Task Drain_SendsIdAndPrintsFlags()
    {
        var run = await RunAsync("agents", "drain", "ag1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cordoned,draining", run.Out);
        Assert.Equal("ag1", ControlPlane.State.Last<AgentActionRequest>().Id);
    }
}
