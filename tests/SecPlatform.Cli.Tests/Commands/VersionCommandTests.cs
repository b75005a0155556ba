using System.Text.Json.Nodes;
using SecPlatform.Cli.Tests.Support;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class VersionCommandTests
{
    [Fact]
    public async Task Version_NeedsNoServerOrKey()
    {
        var run = await CliRun.RunAsync(["version", "--server", $"http://127.0.0.1:{ClosedPort.Get()}"]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("secplat 0.1.0", run.Out);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Version_Json_HasVersionField()
    {
        var run = await CliRun.RunAsync(["version", "--output", "json"]);

        Assert.Equal("0.1.0", JsonNode.Parse(run.Out)!["version"]!.GetValue<string>());
    }
}
