using System.Diagnostics;
using System.Text;

namespace SecPlatform.Testing;

/// <summary>
/// A real child process running a built program (<c>dotnet X.dll ...</c>), with its output captured.
/// Used for one-shot commands (the CLI) and for long-running ones (the service, the agent).
/// </summary>
public sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private DotnetProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StdOut { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StdErr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public static DotnetProcess Start(string dll, IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Tests never depend on the caller's own settings.
        foreach (var name in new[] { "SECPLAT_SERVER", "SECPLAT_API_KEY", "SECPLAT_TOKEN", "SECPLAT_DATA_DIR", "SECPLAT_AGENT_STATE_DIR" })
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return new DotnetProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start dotnet {dll}"));
    }

    /// <summary>Runs to completion (bounded by <paramref name="timeout"/>) and returns exit code and output.</summary>
    public static async Task<ProcessResult> RunAsync(string dll, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        await using var process = Start(dll, args, environment);
        process._process.StandardInput.Close();
        return await process.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"process {_process.Id} did not exit within {timeout}:\n{StdOut}\n{StdErr}");
        }

        // The parameterless wait drains the asynchronous output readers.
        _process.WaitForExit();
        return new ProcessResult(_process.ExitCode, StdOut, StdErr);
    }

    /// <summary>Sends SIGTERM (graceful stop), as systemd does.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            kill?.WaitForExit();
        }
    }

    /// <summary>Kills the whole tree at once (SIGKILL).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Waits until the captured output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!StdOut.Contains(text) && !StdErr.Contains(text))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"process exited ({_process.ExitCode}) before printing '{text}':\n{StdOut}\n{StdErr}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{text}' did not appear within {timeout}:\n{StdOut}\n{StdErr}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
