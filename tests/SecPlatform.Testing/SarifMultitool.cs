using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace SecPlatform.Testing;

/// <summary>
/// Microsoft's SARIF validator (<c>sarif-multitool validate</c>, npm <c>@microsoft/sarif-multitool</c>, installed by
/// tests/install-deps.sh). Returns the problems it reports at level error; a missing tool fails with how to install it.
/// </summary>
public static class SarifMultitool
{
    public const string InstallHint = "sarif-multitool is not installed: run tests/install-deps.sh, or npm install -g @microsoft/sarif-multitool@5.7.0";

    public static async Task<IReadOnlyList<string>> ValidateAsync(string sarifFile)
    {
        var output = sarifFile + ".validation.sarif";
        File.Delete(output);
        var info = new ProcessStartInfo("sarif-multitool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "validate", sarifFile, "--output", output })
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException(InstallHint);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(InstallHint, e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new InvalidOperationException($"sarif-multitool validate failed (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
            }
        }

        // The validator's own log: its results are the problems found; level "error" (or a tool error) fails.
        using var log = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var problems = new List<string>();
        foreach (var run in log.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (run.TryGetProperty("results", out var results))
            {
                problems.AddRange(results.EnumerateArray()
                    .Where(r => r.TryGetProperty("level", out var level) && level.GetString() == "error")
                    .Select(r => $"{r.GetProperty("ruleId").GetString()}: {Text(r)}"));
            }

            foreach (var invocation in run.TryGetProperty("invocations", out var invocations) ? invocations.EnumerateArray() : default)
            {
                if (invocation.TryGetProperty("toolExecutionNotifications", out var notes))
                {
                    problems.AddRange(notes.EnumerateArray()
                        .Where(n => n.TryGetProperty("level", out var level) && level.GetString() == "error")
                        .Select(n => "tool error: " + Text(n)));
                }
            }
        }

        return problems;
    }

    private static string Text(JsonElement item) =>
        item.TryGetProperty("message", out var message) && message.TryGetProperty("text", out var text) ? text.GetString() ?? "" : item.ToString();
}
