using System.Diagnostics;
using SecPlatform.Testing;

namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>
/// The PostgreSQL server of the run: the one named by SECPLAT_TEST_PG, or a throwaway cluster started with
/// tests/postgres/start.sh and stopped with tests/postgres/stop.sh when the run ends (also on Ctrl+C).
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string? _dataDir;
    private int _stopped;

    private PostgresCluster(string connectionString, string? dataDir)
    {
        ConnectionString = connectionString;
        _dataDir = dataDir;
    }

    public string ConnectionString { get; }

    public bool Started => _dataDir is not null;

    public static async Task<PostgresCluster> StartOrUseAsync(CancellationToken cancellationToken)
    {
        var given = Environment.GetEnvironmentVariable(PostgresServer.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new PostgresCluster(given, null);
        }

        var (code, stdout, stderr) = await RunScriptAsync(["tests/postgres/start.sh"], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"tests/postgres/start.sh failed ({code}): {stderr}");
        }

        string? connection = null, dataDir = null;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            connection ??= Value(line, "SECPLAT_TEST_PG");
            dataDir ??= Value(line, "SECPLAT_TEST_PGDATA");
        }

        if (connection is null || dataDir is null)
        {
            throw new InvalidOperationException($"tests/postgres/start.sh printed no connection: {stdout}");
        }

        var cluster = new PostgresCluster(connection, dataDir);
        // PostgresServer (SecPlatform.Testing) reads the variable.
        Environment.SetEnvironmentVariable(PostgresServer.EnvironmentVariable, connection);
        Cleanup.Register(cluster.StopNow);
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is not null && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await RunScriptAsync(["tests/postgres/stop.sh", _dataDir], CancellationToken.None);
        }
    }

    /// <summary>Synchronous stop for process exit and Ctrl+C.</summary>
    private void StopNow()
    {
        if (_dataDir is not null && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            using var stop = Process.Start(new ProcessStartInfo("bash", ["tests/postgres/stop.sh", _dataDir])
            {
                WorkingDirectory = RepoPaths.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            stop?.WaitForExit(30_000);
        }
    }

    private static string? Value(string line, string name)
    {
        var prefix = $"export {name}='";
        return line.StartsWith(prefix, StringComparison.Ordinal) && line.EndsWith('\'') ? line[prefix.Length..^1] : null;
    }

    private static async Task<(int Code, string StdOut, string StdErr)> RunScriptAsync(string[] args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
