using System.CommandLine;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Cli;

/// <summary>Turns a verb's outcome into an exit code, and its failures into one line on stderr.</summary>
internal static class CliAction
{
    public const string Prefix = "secplat-agent: ";

    public static Func<ParseResult, CancellationToken, Task<int>> Of(Func<ParseResult, CancellationToken, Task<AgentExitCode>> verb) =>
        async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                return (int)await verb(parseResult, cancellationToken);
            }
            catch (AgentCliException e)
            {
                await error.WriteLineAsync(Prefix + e.Message);
                return (int)e.ExitCode;
            }
            catch (AgentStateException e)
            {
                await error.WriteLineAsync(Prefix + e.Message);
                return (int)AgentExitCode.Error;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync(Prefix + "canceled");
                return (int)AgentExitCode.Error;
            }
        };
}
