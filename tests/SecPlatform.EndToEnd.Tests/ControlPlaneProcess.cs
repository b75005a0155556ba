using System.Security.Cryptography.X509Certificates;
using SecPlatform.Contracts.Client;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// The real control-plane process on LiteDB in a fresh data directory, on free loopback ports (the base URL's port,
/// gRPC on the next one). It can be killed and started again on the same directory and ports, as after a crash.
/// With <c>tls: true</c> it serves https with the self-signed certificate it generates in its data directory on first
/// start; <see cref="Pin"/> is that key's pin, and <see cref="CliAsync"/> passes it to <c>secplat</c>.
/// </summary>
public sealed class ControlPlaneProcess : IAsyncDisposable
{
    private readonly int _leaseSeconds;
    private readonly IReadOnlyList<string> _extraArgs;

    private ControlPlaneProcess(DotnetProcess process, string dataDir, int port, int leaseSeconds, bool tls, IReadOnlyList<string> extraArgs)
    {
        Process = process;
        DataDir = dataDir;
        Port = port;
        _leaseSeconds = leaseSeconds;
        Tls = tls;
        _extraArgs = extraArgs;
    }

    public bool Tls { get; }

    /// <summary>The pin of the generated certificate's key (<c>sha256//...</c>); null without TLS.</summary>
    public string? Pin => Tls ? ReadPin(DataDir) : null;

    public DotnetProcess Process { get; private set; }

    public string DataDir { get; }

    /// <summary>The base URL's port; gRPC listens on the next one.</summary>
    public int Port { get; }

    public string BaseUrl => $"{(Tls ? "https" : "http")}://127.0.0.1:{Port}";

    /// <summary>Everything the process printed, over all of its starts.</summary>
    public string Log => _previousLogs + Process.StdOut + Process.StdErr;

    private string _previousLogs = "";

    /// <param name="tls">Serve https (both ports) with the certificate generated in the data directory.</param>
    /// <param name="extraArgs">More service arguments, e.g. <c>--downloads-dir DIR</c>.</param>
    public static async Task<ControlPlaneProcess> StartAsync(int leaseSeconds, bool tls = false, IEnumerable<string>? extraArgs = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("secplat-e2e-cp-").FullName;
        var port = FreePort.Find(alsoNext: true);
        List<string> extra = [.. extraArgs ?? []];
        var process = await LaunchAsync(dataDir, port, leaseSeconds, tls, extra);
        return new ControlPlaneProcess(process, dataDir, port, leaseSeconds, tls, extra);
    }

    /// <summary>The pin of the certificate a TLS control plane generated in <paramref name="dataDir"/>.</summary>
    public static string ReadPin(string dataDir)
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dataDir, "tls", "server.crt"));
        return ServerPin.Of(certificate);
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
        Process = await LaunchAsync(DataDir, Port, _leaseSeconds, Tls, _extraArgs);
    }

    /// <summary>Runs <c>secplat --server URL --data-dir DIR args...</c> (the CLI finds the first-start key in the data directory).</summary>
    public Task<ProcessResult> CliAsync(params string[] args) =>
        DotnetProcess.RunAsync(RepoPaths.Cli, ["--server", BaseUrl, "--data-dir", DataDir, .. Tls ? ["--pin", Pin!] : Array.Empty<string>(), .. args]);

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

    private static async Task<DotnetProcess> LaunchAsync(string dataDir, int port, int leaseSeconds, bool tls, IReadOnlyList<string> extraArgs)
    {
        var baseUrl = $"{(tls ? "https" : "http")}://127.0.0.1:{port}";
        var process = DotnetProcess.Start(RepoPaths.ControlPlane,
        [
            "--data-dir", dataDir, "--urls", baseUrl, "--grpc-port", (port + 1).ToString(),
            "--Leases:DurationSeconds", leaseSeconds.ToString(),
            "--Security:BcryptWorkFactor", "4",
            .. extraArgs,
        ]);
        // The certificate exists before the service listens, so the pin can be read once /healthz could answer.
        using var handler = new SocketsHttpHandler();
        if (tls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && File.Exists(Path.Combine(dataDir, "tls", "server.crt")) && ServerPin.Matches(certificate, ReadPin(dataDir));
        }

        using var http = new HttpClient(handler);
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
