using System.Text;
using CliWrap;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Runs a real scanner directly (CliWrap, no shell), as a person would, to compare the engine with.</summary>
public static class RealTool
{
    public sealed record Output(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string Text => Encoding.UTF8.GetString(Stdout);
    }

    public static async Task<Output> RunAsync(string tool, IReadOnlyList<string> arguments, string workingDirectory)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await CliWrap.Cli.Wrap(tool)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(timeout.Token);
        return new Output(result.ExitCode, stdout.ToArray(), stderr.ToString());
    }
}
