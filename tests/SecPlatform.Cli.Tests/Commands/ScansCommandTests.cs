using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class ScansCommandTests : CommandTestBase
{
    [Fact]
    public async Task Run_EveryFlag_IsMappedIntoTheRequest()
    {
        var run = await RunAsync("scans", "run", "--tenant", "acme", "--scanner", "nmap",
            "--param", "host=scanme.example", "--param", "ports=22,80", "--param", "query=a=b==",
            "--agent", "ag1", "--label", "env=prod", "--label", "zone=eu-1",
            "--capability", "net-raw", "--capability", "ipv6",
            "--priority", "-5", "--max-attempts", "5", "--timeout", "1h30m",
            "--not-before", "2030-01-02T05:04:05+02:00", "--expires-in", "2d", "--idempotency-key", "nightly-42");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        var request = ControlPlane.State.Last<EnqueueCommandRequest>();
        Assert.Equal("acme", request.Tenant);
        Assert.Equal("nmap", request.Scanner);
        Assert.Equal(3, request.Parameters.Count);
        Assert.Equal("scanme.example", request.Parameters["host"]);
        Assert.Equal("22,80", request.Parameters["ports"]);
        Assert.Equal("a=b==", request.Parameters["query"]);
        Assert.Equal("ag1", request.AgentId);
        Assert.Equal(2, request.Labels.Count);
        Assert.Equal("prod", request.Labels["env"]);
        Assert.Equal("eu-1", request.Labels["zone"]);
        Assert.Equal(["net-raw", "ipv6"], request.RequiredCapabilities);
        Assert.Equal(-5, request.Priority);
        Assert.Equal(5, request.MaxAttempts);
        Assert.Equal(5400, request.TimeoutSeconds);
        Assert.Equal(Timestamp.FromDateTime(new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc)), request.NotBefore);
        Assert.Equal(2 * 86400, request.ExpiresInSeconds);
        Assert.Equal("nightly-42", request.IdempotencyKey);
    }

    [Fact]
    public async Task Run_OnlyRequiredFlags_LeavesDefaultsToTheServer()
    {
        var run = await RunAsync("scans", "run", "--tenant", "acme", "--scanner", "shellcheck", "--param", "path=/srv/app");

        Assert.Equal(0, run.ExitCode);
        var request = ControlPlane.State.Last<EnqueueCommandRequest>();
        Assert.Equal("/srv/app", request.Parameters["path"]);
        Assert.Equal(string.Empty, request.AgentId);
        Assert.Empty(request.Labels);
        Assert.Empty(request.RequiredCapabilities);
        Assert.Equal(0, request.Priority);
        Assert.Equal(0, request.MaxAttempts);
        Assert.Equal(0, request.TimeoutSeconds);
        Assert.Null(request.NotBefore);
        Assert.Equal(0, request.ExpiresInSeconds);
        Assert.Equal(string.Empty, request.IdempotencyKey);
    }

    [Fact]
    public async Task Run_RelativeNotBefore_IsTakenFromTheClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var run = await RunAsync(time, null, "scans", "run", "--tenant", "acme", "--scanner", "shellcheck", "--param", "path=/x", "--not-before", "+10m");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Timestamp.FromDateTimeOffset(time.GetUtcNow().AddMinutes(10)), ControlPlane.State.Last<EnqueueCommandRequest>().NotBefore);
    }

    [Fact]
    public async Task Run_Json_PrintsTheCommandWithIdAndLowercaseStatus()
    {
        var run = await RunAsync("scans", "run", "--tenant", "acme", "--scanner", "shellcheck", "--param", "path=/srv/app", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(FakeCommandService.NewId, json["id"]!.GetValue<string>());
        Assert.Equal("queued", json["status"]!.GetValue<string>());
        Assert.Equal("tn-acme", json["tenantId"]!.GetValue<string>());
        Assert.Equal("/srv/app", json["parameters"]!["path"]!.GetValue<string>());
        Assert.Equal(3, json["maxAttempts"]!.GetValue<int>());
        Assert.Equal("2025-06-02T12:00:00Z", json["expiresAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_Table_PrintsDetailView()
    {
        var run = await RunAsync("scans", "run", "--tenant", "acme", "--scanner", "shellcheck", "--param", "path=/srv/app");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutLines, line => line.StartsWith("id:", StringComparison.Ordinal) && line.EndsWith(" " + FakeCommandService.NewId, StringComparison.Ordinal));
        Assert.Contains(run.OutLines, line => line.StartsWith("status:", StringComparison.Ordinal) && line.EndsWith(" queued", StringComparison.Ordinal));
        Assert.Contains("  path: /srv/app", run.OutLines);
    }

    [Fact]
    public async Task Run_ServerRefusesScanner_ExitsFailureWithItsMessage()
    {
        var run = await RunAsync("scans", "run", "--tenant", "acme", "--scanner", "unknown", "--param", "path=/x");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("secplat: unknown scanner 'unknown'", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Run_ParamWithoutEquals_IsUsageErrorNamingIt()
    {
        var run = await RunAsync("scans", "run", "--tenant", "acme", "--scanner", "shellcheck", "--param", "/srv/app");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("secplat: parameter '/srv/app' is not of the form key=value", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
        Assert.Empty(ControlPlane.State.Requests);
    }

    [Theory]
    [InlineData("--scanner", "shellcheck")]
    [InlineData("--tenant", "acme")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--param", "=x")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--param", "path=a", "--param", "path=b")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--label", "env")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--priority", "high")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--max-attempts", "0")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--timeout", "10")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--timeout", "99999d")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--expires-in", "1 day")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--not-before", "2030-01-02T03:04:05")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--not-before", "10m")]
    [InlineData("--tenant", "acme", "--scanner", "shellcheck", "--profile", "nightly")]
    public async Task Run_BadArguments_ExitUsageWithOneLine(params string[] args)
    {
        var run = await RunAsync(["scans", "run", .. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("secplat: ", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
        Assert.Empty(ControlPlane.State.Requests);
    }
}
