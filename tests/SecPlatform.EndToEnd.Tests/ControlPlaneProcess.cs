using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// The real control-plane process on LiteDB in a fresh data directory, on free loopback ports (the base URL's port,
/// gRPC on the next one). It can be killed and started again on the same directory and ports, as after a crash.
/// </summary>
public sealed class ControlPlaneProcess : IAsyncDisposable
{
    private readonly int _leaseSeconds;

    private ControlPlaneProcess(DotnetProcess process, string dataDir, int port, int leaseSeconds)
    {
        Process = process;
        DataDir = dataDir;
        Port = port;
        _leaseSeconds = leaseSeconds;
    }

    public DotnetProcess Process { get; private set; }

    public string DataDir { get; }

    /// <summary>The base URL's port; gRPC listens on the next one.</summary>
    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Everything the process printed, over all of its starts.</summary>
    public string Log => _previousLogs + Process.StdOut + Process.StdErr;

    private string _previousLogs = "";

    public static async Task<ControlPlaneProcess> StartAsync(int leaseSeconds)
    {
        var dataDir = Directory.CreateTempSubdirectory("secplat-e2e-cp-").FullName;
        var port = FreePort.Find(alsoNext: true);
        var process = await LaunchAsync(dataDir, port, leaseSeconds);
        return new ControlPlaneProcess(process, dataDir, port, leaseSeconds);
    }

    /// <summary>kill -9: no graceful stop, as in a crash.</summary>
    public async Task KillAsync()
    {
        Process.Kill();
        await Process.WaitAsync(TimeSpan.FromSeconds(30));
        _previousLogs += Process.StdOut + Process.StdErr;
    }

    /// <summary>Starts the service again on the same data directory and ports.</summary>
    public async Task RestartAsync()
    {
        await Process.DisposeAsync();
        Process = await LaunchAsync(DataDir, Port, _leaseSeconds);
    }

    /// <summary>Runs <c>secplat --server URL --data-dir DIR args...</c> (the CLI finds the first-start key in the data directory).</summary>
    public Task<ProcessResult> CliAsync(params string[] args) =>
        DotnetProcess.RunAsync(RepoPaths.Cli, ["--server", BaseUrl, "--data-dir", DataDir, .. args]);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static async Task<DotnetProcess> LaunchAsync(string dataDir, int port, int leaseSeconds)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        var process = DotnetProcess.Start(RepoPaths.ControlPlane,
        [
            "--data-dir", dataDir, "--urls", baseUrl, "--grpc-port", (port + 1).ToString(),
            "--Leases:DurationSeconds", leaseSeconds.ToString(),
            "--Security:BcryptWorkFactor", "4",
        ]);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{baseUrl}/healthz")).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
                continue;
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the control plane did not start:\n{process.StdOut}\n{process.StdErr}");
            }
        }
    }
}
