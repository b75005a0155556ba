using System.CommandLine;
using Grpc.Core;
using SecPlatform.Cli.Errors;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// Runs command actions with one error policy: any failure becomes one line on stderr
/// (<c>secplat: message</c>) and the exit code of <see cref="ExitCodes"/>, never a stack trace.
/// </summary>
public sealed class CommandRunner(GlobalOptions globals, CliEnvironment environment)
{
    public const string ErrorPrefix = "secplat: ";

    /// <summary>Sets an action that succeeds unless it throws.</summary>
    public void Attach(Command command, Func<CommandContext, CancellationToken, Task> action) =>
        Attach(command, async (context, cancellationToken) =>
        {
            await action(context, cancellationToken);
            return ExitCodes.Success;
        });

    /// <summary>Sets an action that decides its own exit code (e.g. a failed verification).</summary>
    public void Attach(Command command, Func<CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, action, cancellationToken));

    /// <summary>Writes the one error line of the CLI.</summary>
    public static void WriteError(TextWriter error, string message) =>
        error.WriteLine(ErrorPrefix + ErrorMapper.OneLine(message));

    private async Task<int> RunAsync(ParseResult parseResult, Func<CommandContext, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        using var context = new CommandContext(parseResult, globals, environment);
        try
        {
            return await action(context, cancellationToken);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested
            && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            WriteError(environment.Error, "interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            var (exitCode, message) = ErrorMapper.Map(e);
            WriteError(environment.Error, message);
            return exitCode;
        }
    }
}
