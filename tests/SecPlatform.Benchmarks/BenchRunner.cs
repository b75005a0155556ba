using System.Diagnostics;
using System.Runtime.InteropServices;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Scenarios;

namespace SecPlatform.Benchmarks;

/// <summary>Runs the selected scenarios in a fixed order, collects their rows, writes and prints the results.</summary>
internal sealed class BenchRunner(BenchSettings settings, string outDir, IReadOnlyList<string> selected)
{
    public static readonly IReadOnlyList<string> Scenarios =
        ["claims", "claim-complete", "batch-claims", "ingest", "registration", "dispatch", "renewals", "litedb", "agent-idle"];

    public const string Usage = """
        usage: dotnet run -c Release --project tests/SecPlatform.Benchmarks -- [scenario...] [--quick] [--out DIR]
          scenarios: claims claim-complete batch-claims ingest registration dispatch renewals litedb agent-idle (default: all)
          --quick    the CI guard: smaller sizes, under 3 minutes; exits 1 when a ratio falls below its guard
          --out DIR  where bench-results.json and bench-results.md go (default: the working directory)
        PostgreSQL: SECPLAT_TEST_PG (a superuser connection string), else a throwaway cluster via tests/postgres/start.sh.
        """;

    private static readonly HashSet<string> PostgresScenarios = ["claims", "claim-complete", "batch-claims", "ingest", "registration", "dispatch", "renewals"];

    // Rows a scenario owes when it fails, and whether they are guarded.
    private static readonly Dictionary<string, (string Name, string Unit, double? Target, bool Guarded)[]> Owed = new()
    {
        ["claims"] = [("pg: claims/s, 8 agents, batch 1", "claims/s", 0.5, true), ("pg: claims/s, 32 agents, batch 1", "claims/s", 0.5, true)],
        ["claim-complete"] = [("pg: claim + complete cycles/s, 8 agents", "cycles/s", 0.6, true)],
        ["batch-claims"] = [("pg: batch claims (10 per pull) commands/s, 8 agents", "commands/s", 0.5, true)],
        ["ingest"] = [("pg: findings ingest/s over StreamFindings", "findings/s", 0.5, true)],
        ["registration"] = [("pg: registrations/s, open loop 1,000/s for 2 s", "registrations/s", null, true)],
        ["dispatch"] = [("pg: dispatch latency p50", "ms", 10, false), ("pg: dispatch latency p99", "ms", 50, false)],
        ["renewals"] = [("pg: lease renewals/s, swarm", "renewals/s", null, true)],
        ["litedb"] = [("litedb: claims/s, 8 agents, batch 1", "claims/s", 0.5, true), ("litedb: lease renewals/s", "renewals/s", 0.5, true),
            ("litedb: findings ingest/s", "findings/s", 0.3, true)],
        ["agent-idle"] = [("agent idle: RSS", "MiB", 60, false), ("agent idle: CPU", "% of one core", 0.5, false)],
    };

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var workDir = Directory.CreateTempSubdirectory("secplat-bench-").FullName;
        var results = new List<ScenarioResult>();
        var machine = Machine();
        Console.WriteLine($"SecPlatform benchmarks ({(settings.Quick ? "quick" : "full")}), scenarios: {string.Join(' ', selected)}");
        PostgresCluster? cluster = null;
        PgEnvironment? pg = null;
        try
        {
            var ordered = Scenarios.Where(selected.Contains).ToList();
            if (ordered.Any(PostgresScenarios.Contains))
            {
                try
                {
                    cluster = await PostgresCluster.StartOrUseAsync(cancellationToken);
                    pg = await Timed("PostgreSQL and the control plane on it", () => PgEnvironment.StartAsync(workDir, cancellationToken));
                    machine["postgres"] = pg.ServerVersion + (cluster.Started ? " (throwaway cluster: fsync off, synchronous_commit off)" : " (SECPLAT_TEST_PG)");
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"PostgreSQL set-up failed: {e}");
                    foreach (var name in ordered.Where(PostgresScenarios.Contains))
                    {
                        results.AddRange(FailedRows(name, "PostgreSQL set-up failed: " + e.Message));
                    }

                    ordered.RemoveAll(PostgresScenarios.Contains);
                }
            }

            foreach (var name in ordered)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Console.WriteLine($"[{started.Elapsed:mm\\:ss}] {name}");
                try
                {
                    results.AddRange(await RunScenarioAsync(name, pg, workDir, cancellationToken));
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"  {name} failed: {e}");
                    if (pg is not null && PostgresScenarios.Contains(name))
                    {
                        Console.Error.WriteLine($"  control-plane log tail:\n{pg.ControlPlane.LogTail()}");
                    }

                    results.AddRange(FailedRows(name, e.Message));
                }
            }
        }
        finally
        {
            if (pg is not null)
            {
                await pg.DisposeAsync();
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            if (results.Any(r => r.Note.StartsWith("error:", StringComparison.Ordinal)))
            {
                // The services' logs explain a failed scenario: keep them next to the results.
                var logs = Directory.CreateDirectory(Path.Combine(outDir, "logs")).FullName;
                foreach (var log in Directory.EnumerateFiles(workDir, "*.log"))
                {
                    File.Copy(log, Path.Combine(logs, Path.GetFileName(log)), overwrite: true);
                }

                Console.Error.WriteLine($"control-plane logs kept in {logs}");
            }

            try
            {
                Directory.Delete(workDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        machine["running_seconds"] = Math.Round(started.Elapsed.TotalSeconds);
        await ResultWriter.WriteAsync(outDir, machine, results, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine(ResultWriter.Markdown(machine, results));
        Console.WriteLine($"Written: {Path.Combine(outDir, ResultWriter.JsonFile)}, {Path.Combine(outDir, ResultWriter.MarkdownFile)} ({started.Elapsed.TotalSeconds:0} s)");

        var below = results.Where(r => r.BelowGuard).ToList();
        if (settings.Quick && below.Count > 0)
        {
            Console.Error.WriteLine($"quick guard FAILED: {string.Join("; ", below.Select(r => $"{r.Name}: ratio {r.Ratio?.ToString("0.###") ?? "missing"} < guard {r.Guard:0.###}"))}");
            return 1;
        }

        return 0;
    }

    private async Task<IReadOnlyList<ScenarioResult>> RunScenarioAsync(string name, PgEnvironment? pg, string workDir, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case "claims":
                return await new PgClaimScenarios(pg!, settings).ClaimsAsync(cancellationToken);
            case "claim-complete":
                return await new PgClaimScenarios(pg!, settings).ClaimCompleteAsync(cancellationToken);
            case "batch-claims":
                return await new PgClaimScenarios(pg!, settings).BatchClaimsAsync(cancellationToken);
            case "ingest":
                return await new PgIngestScenario(pg!, settings).RunAsync(cancellationToken);
            case "registration":
                return await new RegistrationScenario(pg!, settings).RunAsync(cancellationToken);
            case "dispatch":
                return await new DispatchScenario(pg!, settings).RunAsync(cancellationToken);
            case "renewals":
                return await new RenewalSwarmScenario(pg!, settings).RunAsync(cancellationToken);
            case "litedb":
                return await new LiteDbScenarios(settings, workDir).RunAsync(cancellationToken);
            case "agent-idle":
                return await new AgentIdleScenario(settings, workDir).RunAsync(cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario");
        }
    }

    private static IEnumerable<ScenarioResult> FailedRows(string scenario, string error) =>
        Owed[scenario].Select(o => ScenarioResult.Failed(o.Name, o.Unit, o.Target, o.Guarded, error));

    private static async Task<T> Timed<T>(string what, Func<Task<T>> work)
    {
        var start = Clock.Now;
        var result = await work();
        Console.WriteLine($"  {what}: ready in {Clock.Now - start:0.0} s");
        return result;
    }

    private Dictionary<string, object?> Machine()
    {
        var cpu = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }

        return new Dictionary<string, object?>
        {
            ["mode"] = settings.Quick ? "quick" : "full",
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = cpu,
            ["memory_gib"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
        };
    }
}
