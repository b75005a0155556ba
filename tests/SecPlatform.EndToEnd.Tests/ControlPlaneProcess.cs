using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>The real control-plane process on LiteDB in a fresh data directory, on free loopback ports.</summary>
public sealed class ControlPlaneProcess : IAsyncDisposable
{
    private ControlPlaneProcess(DotnetProcess process, string dataDir, string baseUrl)
    {
        Process = process;
        DataDir = dataDir;
        BaseUrl = baseUrl;
    }

    public DotnetProcess Process { get; }

    public string DataDir { get; }

    public string BaseUrl { get; }

    public static async Task<ControlPlaneProcess> StartAsync(int leaseSeconds)
    {
        var dataDir = Directory.CreateTempSubdirectory("secplat-e2e-cp-").FullName;
        var port = FreePort.Find(alsoNext: true);
        var baseUrl = $"http://127.0.0.1:{port}";
        var process = DotnetProcess.Start(RepoPaths.ControlPlane,
        [
            "--data-dir", dataDir, "--urls", baseUrl,
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
                    break;
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

        return new ControlPlaneProcess(process, dataDir, baseUrl);
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
}
