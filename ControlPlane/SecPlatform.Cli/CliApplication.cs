using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using SecPlatform.Cli.Commands;
using SecPlatform.Cli.Errors;

namespace SecPlatform.Cli;

/// <summary>
/// The <c>secplat</c> command line: builds the command tree, parses, turns parse errors into one
/// usage line (exit 2), and runs the chosen command. <see cref="ExitCodes"/> lists the exit codes.
/// </summary>
public sealed class CliApplication
{
    public const string Name = "secplat";

    // '@file' expansion is off: an argument is always taken as typed.
    private static readonly ParserConfiguration ParserConfiguration = new() { ResponseFileTokenReplacer = null };

    private readonly CliEnvironment _environment;

    public CliApplication(CliEnvironment environment)
    {
        _environment = environment;
        Globals = new GlobalOptions(environment.GetVariable);
        var runner = new CommandRunner(Globals, environment);
        Root = new RootCommand("secplat: the SecPlatform admin CLI (tenants, bootstrap tokens, agents, scans and the command queue, admins, audit)")
        {
            TenantsCommand.Create(runner),
            TokensCommand.Create(runner),
            AgentsCommand.Create(runner),
            RegistrationsCommand.Create(runner),
            ScansCommand.Create(runner),
            ProfilesCommand.Create(runner),
            CommandsCommand.Create(runner),
            FindingsCommand.Create(runner),
            AssetsCommand.Create(runner),
            GroupsCommand.Create(runner),
            VulnsCommand.Create(runner),
            AdminsCommand.Create(runner),
            AuditCommand.Create(runner),
            ServerCommand.Create(runner),
            VersionCommand.Create(runner),
        };
        Globals.AddTo(Root);
    }

    public RootCommand Root { get; }

    public GlobalOptions Globals { get; }

    /// <summary>The real entry point: what <c>Program</c> calls with the process's arguments.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, CliEnvironment environment, CancellationToken cancellationToken) =>
        new CliApplication(environment).RunAsync(args, cancellationToken);

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, ParserConfiguration);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        try
        {
            var parseResult = Parse(args);
            if (parseResult.Action is ParseErrorAction)
            {
                CommandRunner.WriteError(_environment.Error, UsageMessage(parseResult));
                return ExitCodes.Usage;
            }

            var invocation = new InvocationConfiguration
            {
                Output = _environment.Out,
                Error = _environment.Error,
                // Commands handle their own failures; Program owns Ctrl+C (in-process runs must not hook signals).
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e)
        {
            var (exitCode, message) = ErrorMapper.Map(e);
            CommandRunner.WriteError(_environment.Error, message);
            return exitCode;
        }
    }

    private static string UsageMessage(ParseResult parseResult)
    {
        var path = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            path.Insert(0, result.Parent is null ? Name : result.Command.Name);
        }

        // "Unrecognized command or argument 'x'" says more than "Required command was not provided".
        var error = parseResult.Errors.FirstOrDefault(e => parseResult.UnmatchedTokens.Any(token => e.Message.Contains($"'{token}'", StringComparison.Ordinal)))
            ?? parseResult.Errors[0];
        return $"{error.Message} (see '{string.Join(' ', path)} --help')";
    }
}
