using System.Diagnostics;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>Runs a real scanner directly, as a person would (no shell), to compare the agent's findings with.</summary>
public static class DirectTool
{
    public static async Task<(int ExitCode, string Stdout)> RunAsync(string tool, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await stderr;
        return (process.ExitCode, await stdout);
    }
}
