using System.CommandLine;
using Grpc.Core;
using SecPlatform.Agent.Hosting;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// <c>secplat-agent deregister [--state-dir DIR]</c>: removes this agent from the control plane, then
/// forgets its identity locally (used by uninstallers). When the control plane no longer knows the key
/// (already revoked or removed) the local identity is removed all the same; when it cannot be reached,
/// nothing is removed, so the command can be retried.
/// </summary>
public sealed class DeregisterCommand(AgentRuntime runtime)
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly Option<string?> _stateDirectory = CommonOptions.StateDirectory();

    public Command Create()
    {
        var command = new Command("deregister", "Remove this agent from the control plane and delete its local identity") { _stateDirectory };
        command.SetAction(CliAction.Of(ExecuteAsync));
        return command;
    }

    private async Task<AgentExitCode> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _stateDirectory, runtime);
        using var store = CommonOptions.OpenRegisteredStore(stateDirectory, runtime, out var identity);
        var error = parseResult.InvocationConfiguration.Error;
        using (var gateway = runtime.GatewayFactory.Create(identity.Server, identity.AgentKey, identity.ServerPin))
        {
            try
            {
                await gateway.DeregisterAsync(CallTimeout, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && !cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"{CliAction.Prefix}the control plane no longer accepts agent {identity.AgentId}'s key ({e.Status.Detail}); removing the local identity");
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw RpcErrors.Common(e, identity.Server, "deregistration failed");
            }
        }

        store.DeleteIdentity();
        await parseResult.InvocationConfiguration.Output.WriteLineAsync($"deregistered agent {identity.AgentId}");
        return AgentExitCode.Ok;
    }
}
