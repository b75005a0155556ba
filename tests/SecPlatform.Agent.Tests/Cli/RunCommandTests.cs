using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestRuntime _runtime = new();

    [Fact]
    public async Task Run_NotRegistered_ExitsNotRegistered()
    {
        var run = await CliRun.InvokeAsync(_runtime, "run", "--state-dir", _temp.Combine("state"));

        Assert.Equal((int)AgentExitCode.NotRegistered, run.ExitCode);
        Assert.Contains("secplat-agent register", run.Error);
        Assert.Empty(_runtime.Factory.Created);
    }

    [Fact]
    public async Task Invoke_UnknownVerb_ExitsWithUsage()
    {
        var run = await CliRun.InvokeAsync(_runtime, "frobnicate");

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
    }

    public void Dispose() => _temp.Dispose();
}
