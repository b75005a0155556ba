namespace SecPlatform.Cli.Errors;

/// <summary>A failure the CLI explains itself: its message is printed as the one error line, with its exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
