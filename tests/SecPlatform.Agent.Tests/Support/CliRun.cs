using SecPlatform.Agent.Cli;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Runs the agent's command line in-process and captures what it printed.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> InvokeAsync(TestRuntime runtime, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await new AgentCommandLine(runtime.Runtime).InvokeAsync(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
