namespace SecPlatform.Cli;

/// <summary>
/// What the CLI reads from and writes to outside its arguments. Injected so tests run the real entry
/// point in-process without touching the process's console, environment or clock.
/// </summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetVariable, TimeProvider Time)
{
    public const string ServerVariable = "SECPLAT_SERVER";
    public const string ApiKeyVariable = "SECPLAT_API_KEY";
    public const string PinVariable = "SECPLAT_PIN";

    /// <summary>
    /// Whether <see cref="Out"/> is an interactive terminal that understands ANSI cursor movement, so
    /// live displays may redraw in place; false for pipes, files and <c>TERM=dumb</c>.
    /// </summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>The terminal's width in columns, read each time it is needed (the user may resize); null when unknown.</summary>
    public Func<int?> TerminalWidth { get; init; } = () => null;

    /// <summary>The real console, process environment and clock.</summary>
    public static CliEnvironment System { get; } =
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System)
        {
            OutIsTerminal = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb",
            TerminalWidth = ConsoleWidth,
        };

    private static int? ConsoleWidth()
    {
        try
        {
            return Console.IsOutputRedirected || Console.WindowWidth <= 0 ? null : Console.WindowWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
