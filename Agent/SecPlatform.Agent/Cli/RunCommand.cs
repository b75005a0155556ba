using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Lease;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// <c>secplat-agent run [--state-dir DIR]</c>: the daemon. Holds the lease until stopped (SIGTERM,
/// Ctrl+C, service stop) and exits with an <see cref="AgentExitCode"/> the service wrapper acts on.
/// </summary>
public sealed class RunCommand(AgentRuntime runtime)
{
    private readonly Option<string?> _stateDirectory = CommonOptions.StateDirectory();

    public Command Create()
    {
        var command = new Command("run", "Run the agent: hold the lease until stopped") { _stateDirectory };
        command.SetAction(CliAction.Of(ExecuteAsync));
        return command;
    }

    private async Task<AgentExitCode> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _stateDirectory, runtime);
        using var store = CommonOptions.OpenRegisteredStore(stateDirectory, runtime, out var identity);
        using var host = AgentHost.Build(identity, store, runtime);
        var outcome = host.Services.GetRequiredService<AgentRunOutcome>();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (OptionsValidationException e)
        {
            throw new AgentCliException(AgentExitCode.Usage, $"invalid agent configuration: {e.Message}");
        }

        // Returns once something stopped the host: a signal, the service manager, or a component via AgentRunOutcome.
        await host.WaitForShutdownAsync(cancellationToken);
        return outcome.ExitCode;
    }
}
