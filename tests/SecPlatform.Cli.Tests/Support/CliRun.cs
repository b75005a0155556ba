namespace SecPlatform.Cli.Tests.Support;

/// <summary>The outcome of one in-process run of the real CLI entry point.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The lines of standard output, without line ending differences or blank lines.</summary>
    public string[] OutLines => Out.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs <c>secplat</c> with <paramref name="args"/>, an isolated environment and captured output.</summary>
    /// <param name="terminalWidth">Non-null: standard output acts as a terminal of this width (live displays redraw in place).</param>
    public static async Task<CliRun> RunAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null, int? terminalWidth = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var variables = environment ?? new Dictionary<string, string>();
        var cli = new CliEnvironment(output, error, name => variables.GetValueOrDefault(name), time ?? TimeProvider.System)
        {
            OutIsTerminal = terminalWidth is not null,
            TerminalWidth = () => terminalWidth,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await CliApplication.RunAsync(args.ToArray(), cli, timeout.Token);
        return new CliRun(exitCode, output.ToString(), error.ToString().ReplaceLineEndings("\n"));
    }
}
