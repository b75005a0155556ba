using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class VersionCommandTests
{
    [Fact]
    public async Task Version_PrintsTheInformationalVersion()
    {
        var run = await CliRun.InvokeAsync(new TestRuntime(), "version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(MachineFacts.CurrentAgentVersion + Environment.NewLine, run.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", MachineFacts.CurrentAgentVersion);
    }
}
