using System.Diagnostics;
using SecPlatform.Testing;

namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>
/// The real control-plane process (<c>dotnet SecPlatform.ControlPlane.dll</c>) on free loopback ports, its log in
/// a file (its console output would otherwise cost this process CPU), measured through /proc.
/// </summary>
internal sealed class ControlPlaneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _stopped;

    private ControlPlaneProcess(Process process, string dataDir, string logPath, int port)
    {
        _process = process;
        DataDir = dataDir;
        LogPath = logPath;
        BaseUrl = $"http://127.0.0.1:{port}";
        GrpcAddress = $"http://127.0.0.1:{port + 1}";
    }

    public string DataDir { get; }

    public string LogPath { get; }

    public string BaseUrl { get; }

    public string GrpcAddress { get; }

    public int Pid => _process.Id;

    public string AdminKey { get; private set; } = "";

    public static async Task<ControlPlaneProcess> StartAsync(string workDir, string name, IEnumerable<string> extraArgs,
        CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(workDir, name + "-data");
        Directory.CreateDirectory(dataDir);
        var logPath = Path.Combine(workDir, name + ".log");
        var port = FreePort.Find(alsoNext: true);
        // exec: the shell becomes the service, so the pid is the service's and the log goes straight to the file.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workDir };
        foreach (var arg in (string[])["-c", "exec \"$0\" \"$@\" >\"$SECPLAT_BENCH_LOG\" 2>&1", "dotnet", RepoPaths.ControlPlane,
                     "--data-dir", dataDir, "--urls", $"http://127.0.0.1:{port}",
                     // bcrypt guards admin keys; the benchmark's admin calls are not what it measures (the key cache
                     // still makes one verification per 5 s). The end-to-end tests use the same cost.
                     "--Security:BcryptWorkFactor", "4"])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var variable in new[] { "SECPLAT_SERVER", "SECPLAT_API_KEY", "SECPLAT_TOKEN", "SECPLAT_DATA_DIR", "SECPLAT_AGENT_STATE_DIR" })
        {
            info.Environment.Remove(variable);
        }

        info.Environment["SECPLAT_BENCH_LOG"] = logPath;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the control plane");
        var started = new ControlPlaneProcess(process, dataDir, logPath, port);
        Cleanup.Register(started.KillNow);
        try
        {
            await started.WaitHealthyAsync(cancellationToken);
            started.AdminKey = (await File.ReadAllTextAsync(Path.Combine(dataDir, "initial-admin.key"), cancellationToken)).Trim();
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    public string LogTail(int lines = 30)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            // SIGTERM, as systemd stops it; then the hard way.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term!.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void KillNow()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the control plane exited ({_process.ExitCode}) at start:\n{LogTail()}");
            }

            try
            {
                if ((await http.GetAsync($"{BaseUrl}/healthz", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the control plane did not become healthy within 90 s:\n{LogTail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
