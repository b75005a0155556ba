using Npgsql;
using NpgsqlTypes;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// Registration under open-loop arrivals: 1,000 Register calls per second for 2 s (one token with enough uses, as a
/// fleet roll-out uses it), each sent at its scheduled time whatever the others do; latency is measured from the
/// scheduled time, so queueing counts. The baseline is raw single-row inserts of the agent row on 8 connections.
/// </summary>
internal sealed class RegistrationScenario(PgEnvironment pg, BenchSettings settings)
{
    private const double LatencyTargetMs = 100;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var tenant = await pg.TenantAsync("register", cancellationToken);
        var arrivals = (int)(settings.RegistrationRate * settings.RegistrationSeconds);
        var (tokenId, secret) = await pg.Admin.CreateTokenAsync(tenant, Math.Min(10_000, arrivals + 10), cancellationToken);
        var rawRate = await RawInsertsAsync(tenant, tokenId, cancellationToken);

        // Warm the path (JIT, connection pools) with a few registrations of another token, outside the measurement.
        var (_, warmSecret) = await pg.Admin.CreateTokenAsync(tenant, 50, cancellationToken);
        await Parallel.ForEachAsync(Enumerable.Range(0, 50), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => await pg.Channels.NextClient().RegisterAsync(Fleet.Request(warmSecret, $"warm-{i}"), cancellationToken: ct));

        var latencies = new Latencies();
        var served = 0;
        var errors = 0;
        string? firstError = null;
        var start = Clock.Now + 0.2;
        var windowEnd = start + settings.RegistrationSeconds;
        var calls = new List<Task>(arrivals);
        for (var i = 0; i < arrivals; i++)
        {
            var due = start + i / settings.RegistrationRate;
            await Clock.UntilAsync(due, cancellationToken);
            var name = $"arrival-{i}";
            calls.Add(Task.Run(async () =>
            {
                try
                {
                    await pg.Channels.NextClient().RegisterAsync(Fleet.Request(secret, name), deadline: DateTime.UtcNow.AddSeconds(30),
                        cancellationToken: cancellationToken);
                    var done = Clock.Now;
                    latencies.Add((done - due) * 1000);
                    if (done <= windowEnd + LatencyTargetMs / 1000)
                    {
                        Interlocked.Increment(ref served);
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }, cancellationToken));
        }

        await Task.WhenAll(calls);
        var rate = served / settings.RegistrationSeconds;
        var p50 = latencies.Percentile(50);
        var p99 = latencies.Percentile(99);
        Console.WriteLine($"  registrations: raw inserts {rawRate:0}/s; open loop served {rate:0}/s, p50 {p50:0.0} ms, p99 {p99:0.0} ms, errors {errors} {firstError}");
        var offered = settings.RegistrationRate;
        return
        [
            ScenarioResult.Compared("pg: registrations/s, open loop 1,000/s for 2 s", "registrations/s", rate, rawRate, 0.99 * offered / rawRate,
                $"served = completed by the window's end + {LatencyTargetMs} ms; target = 99 % of 1,000/s over the raw insert rate"),
            ScenarioResult.Absolute("pg: registration service time p50", "ms", p50, null, lowerIsBetter: true, "from the scheduled arrival"),
            ScenarioResult.Absolute("pg: registration service time p99", "ms", p99, LatencyTargetMs, lowerIsBetter: true, "from the scheduled arrival"),
            ScenarioResult.Absolute("pg: registration errors", "count", errors, 0, lowerIsBetter: true, firstError ?? ""),
        ];
    }

    private async Task<double> RawInsertsAsync(string tenant, string tokenId, CancellationToken cancellationToken)
    {
        const string insert = """
            INSERT INTO agents (id, tenant_id, name, hostname, os, arch, version, labels, capabilities, registered_at, bootstrap_token_id, cordoned, draining)
            VALUES ($1, $2, $3, $4, 'linux', 'x64', '0.1.0-bench', '{}', '[{"scanner":"shellcheck","version":"0.9.0"}]', $5, $6, false, false)
            """;
        var connections = new List<(NpgsqlConnection Connection, NpgsqlCommand Command)>();
        try
        {
            for (var i = 0; i < settings.RawConnections; i++)
            {
                var connection = await pg.Database.Service.OpenConnectionAsync(cancellationToken);
                await Baselines.RowSecurityContext.SetSessionTenantAsync(connection, tenant, cancellationToken);
                var command = new NpgsqlCommand(insert, connection);
                foreach (var type in new[] { NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text })
                {
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
                }

                await command.PrepareAsync(cancellationToken);
                connections.Add((connection, command));
            }

            return await ClosedLoop.RunAsync(connections.Count, settings.Warmup, settings.Duration, async (w, meter, end) =>
            {
                var command = connections[w].Command;
                while (Clock.Now < end)
                {
                    var id = SecretToken.NewId();
                    command.Parameters[0].Value = id;
                    command.Parameters[1].Value = tenant;
                    command.Parameters[2].Value = "raw-" + id;
                    command.Parameters[3].Value = "raw-" + id + ".bench.internal";
                    command.Parameters[4].Value = DateTime.UtcNow;
                    command.Parameters[5].Value = tokenId;
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    meter.Add();
                }
            });
        }
        finally
        {
            foreach (var (connection, command) in connections)
            {
                await command.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }
}
