using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Commands;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Lease;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// <c>secplat-agent run [--state-dir DIR] [--concurrency N]</c>: the daemon. Holds the lease, runs the commands it
/// pulls (up to N at once, default 2) and delivers their results through the outbox until stopped (SIGTERM, Ctrl+C,
/// service stop: running scans drain, the outbox flushes, the lease is released), and exits with an
/// <see cref="AgentExitCode"/> the service wrapper acts on.
/// </summary>
public sealed class RunCommand(AgentRuntime runtime)
{
    private readonly Option<string?> _stateDirectory = CommonOptions.StateDirectory();
    private readonly Option<int?> _concurrency = new("--concurrency")
    {
        Description = $"How many commands run at once, 1 to {CommandLoopOptions.MaxConcurrency} (default 2)",
        HelpName = "N",
    };

    public Command Create()
    {
        _concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value is < 1 or > CommandLoopOptions.MaxConcurrency)
            {
                result.AddError($"--concurrency must be between 1 and {CommandLoopOptions.MaxConcurrency}");
            }
        });
        var command = new Command("run", "Run the agent: hold the lease, run commands and deliver their results until stopped") { _stateDirectory, _concurrency };
        command.SetAction(CliAction.Of(ExecuteAsync));
        return command;
    }

    private async Task<AgentExitCode> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _stateDirectory, runtime);
        using var store = CommonOptions.OpenRegisteredStore(stateDirectory, runtime, out var identity);
        using var host = AgentHost.Build(identity, store, runtime, parseResult.GetValue(_concurrency));
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
