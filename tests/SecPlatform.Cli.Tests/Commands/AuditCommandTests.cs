using System.Text.Json.Nodes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class AuditCommandTests : CommandTestBase
{
    [Fact]
    public async Task Verify_IntactChain_ExitsZero()
    {
        var run = await RunAsync("audit", "verify", "--expected-count", "9", "--expected-head", "c0ffee");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("audit chain ok: 9 events, head c0ffee", run.Out.Trim());
        var request = ControlPlane.State.Last<VerifyAuditChainRequest>();
        Assert.Equal(9, request.ExpectedCount);
        Assert.Equal("c0ffee", request.ExpectedHeadHash);
    }

    [Fact]
    public async Task Verify_BrokenChain_ExitsNonZeroNamingFirstBrokenSequence()
    {
        var run = await RunAsync("audit", "verify", "--expected-head", "tampered");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("secplat: audit chain broken at sequence 7: hash mismatch: row was edited", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Verify_BrokenChainJson_PrintsResultAndFails()
    {
        var run = await RunAsync("audit", "verify", "--expected-head", "tampered", "--output", "json");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!;
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Equal(7, json["firstBrokenSequence"]!.GetValue<long>());
        Assert.Single(run.ErrorLines);
    }
}
