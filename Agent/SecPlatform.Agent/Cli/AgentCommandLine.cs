using System.CommandLine;
using SecPlatform.Agent.Hosting;

namespace SecPlatform.Agent.Cli;

/// <summary>The <c>secplat-agent</c> command line: verbs, parsing, and exit codes (<see cref="AgentExitCode"/>).</summary>
public sealed class AgentCommandLine(AgentRuntime runtime)
{
    public RootCommand Build() => new("secplat-agent: the SecPlatform scan agent")
    {
        new RegisterCommand(runtime).Create(),
        new RunCommand(runtime).Create(),
        new StatusCommand(runtime).Create(),
        new DeregisterCommand(runtime).Create(),
        new PolicyCommand(runtime).Create(),
        VersionCommand.Create(),
    };

    public async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parseResult = Build().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(CliAction.Prefix + parseError.Message);
            }

            await error.WriteLineAsync("Try 'secplat-agent --help'.");
            return (int)AgentExitCode.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // 'run' hands SIGTERM / Ctrl+C to the host, which releases the lease before exiting;
            // System.CommandLine's own handler would cut that short.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }
}
