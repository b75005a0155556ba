using System.CommandLine;
using SecPlatform.Agent.Platform;

namespace SecPlatform.Agent.Cli;

/// <summary><c>secplat-agent version</c>: the agent's informational version.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the agent's version");
        command.SetAction(CliAction.Of(async (parseResult, _) =>
        {
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(MachineFacts.CurrentAgentVersion);
            return AgentExitCode.Ok;
        }));
        return command;
    }
}
