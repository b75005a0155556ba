using Grpc.Core;
using Npgsql;
using NpgsqlTypes;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// The swarm: N simulated agents, each renewing its lease every interval (spread evenly, open loop: a renewal goes out
/// at its time whatever the others do, unless the agent's previous one has not answered yet, which counts as missed)
/// and keeping one PullCommands long poll open (a tenant without work, so polls wait their full time). Meanwhile 8 worker
/// agents of another tenant claim from a seeded backlog at a steady 500/s. Renewal latency runs from the scheduled time.
/// The baseline is a raw UPDATE of one lease row by key on 8 connections, over the swarm's rows.
/// </summary>
internal sealed class RenewalSwarmScenario(PgEnvironment pg, BenchSettings settings)
{
    private const int ClaimWorkers = 8;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var n = settings.SwarmAgents;
        var swarmTenant = await pg.TenantAsync("swarm", cancellationToken);
        var swarm = await Fleet.TimedAsync($"registered and acquired {n} agents",
            () => Fleet.RegisterAsync(pg.Channels, pg.Admin, swarmTenant, n, "swarm", cancellationToken));
        var workTenant = await pg.TenantAsync("swarm-work", cancellationToken);
        await pg.Database.SeedQueuedAsync(workTenant, (int)(settings.SwarmClaimsPerSecond * (settings.SwarmWarmup + settings.SwarmWindow + 15)), cancellationToken);
        var workers = await Fleet.RegisterAsync(pg.Channels, pg.Admin, workTenant, ClaimWorkers, "worker", cancellationToken);
        await pg.Database.VacuumAnalyzeAsync(cancellationToken);

        var rawRate = await RawRenewalsAsync(swarmTenant, swarm.Select(a => a.Id).ToArray(), cancellationToken);
        // What the API can do at all, closed loop, before the swarm: 32 of the swarm's agents renewing back to back.
        var capacity = await ClosedLoop.RunAsync(32, settings.Warmup, settings.Duration, async (w, meter, end) =>
        {
            while (Clock.Now < end)
            {
                await swarm[w].RenewAsync(acquire: false, cancellationToken);
                meter.Add();
            }
        });
        Console.WriteLine($"  raw lease UPDATE: {rawRate:0}/s; RenewLease closed loop (32 agents): {capacity:0}/s");

        var interval = settings.RenewIntervalSeconds;
        var latencies = new Latencies();
        int served = 0, missed = 0, renewErrors = 0, pollErrors = 0;
        string? firstError = null;
        using var stopPolls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var polls = swarm.Select(agent => PollLoopAsync(agent, stopPolls.Token, () => Interlocked.Increment(ref pollErrors))).ToList();

        var t0 = Clock.Now + 0.5;
        var windowStart = t0 + settings.SwarmWarmup;
        var windowEnd = windowStart + settings.SwarmWindow;
        var claimMeter = new RateMeter();
        var claimErrors = 0;
        var claimers = workers.Select((worker, j) => ClaimLoopAsync(worker, j, t0, windowEnd, claimMeter, () => Interlocked.Increment(ref claimErrors), cancellationToken)).ToList();
        var sampling = Task.Run(async () =>
        {
            await Clock.UntilAsync(windowStart, cancellationToken);
            var sampler = new ProcessSampler(pg.ControlPlane.Pid);
            await Clock.UntilAsync(windowEnd, cancellationToken);
            return await sampler.StopAsync();
        }, cancellationToken);

        var inFlight = new List<Task>();
        for (var round = 0; ; round++)
        {
            var roundStart = t0 + round * interval;
            if (roundStart >= windowEnd)
            {
                break;
            }

            for (var i = 0; i < swarm.Count; i++)
            {
                var due = roundStart + (i + 0.5) / swarm.Count * interval;
                if (due >= windowEnd)
                {
                    break;
                }

                await Clock.UntilAsync(due, cancellationToken);
                var agent = swarm[i];
                var measured = due >= windowStart;
                if (!agent.TryStartRenewal())
                {
                    if (measured)
                    {
                        Interlocked.Increment(ref missed);
                    }

                    continue;
                }

                inFlight.Add(Task.Run(async () =>
                {
                    try
                    {
                        await agent.RenewAsync(acquire: false, cancellationToken);
                        if (measured)
                        {
                            latencies.Add((Clock.Now - due) * 1000);
                            Interlocked.Increment(ref served);
                        }
                    }
                    catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
                    {
                        if (measured)
                        {
                            Interlocked.Increment(ref renewErrors);
                        }

                        Interlocked.CompareExchange(ref firstError, e.Status.Detail, null);
                    }
                    finally
                    {
                        agent.RenewalDone();
                    }
                }, CancellationToken.None));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(inFlight);
        await Task.WhenAll(claimers);
        var controlPlane = await sampling;
        await stopPolls.CancelAsync();
        await Task.WhenAll(polls);

        var rate = served / settings.SwarmWindow;
        var offered = swarm.Count / interval;
        var p50 = latencies.Percentile(50);
        var p99 = latencies.Percentile(99);
        var claims = claimMeter.RateBetween(windowStart, windowEnd);
        var errors = renewErrors + missed;
        Console.WriteLine($"  swarm of {swarm.Count}: renewals {rate:0}/s of {offered:0}/s offered, p50 {p50:0.0} ms, p99 {p99:0.0} ms, " +
            $"{renewErrors} failed, {missed} missed, {pollErrors} poll errors, claims {claims:0}/s ({claimErrors} failed); control plane {controlPlane.CpuPercent:0} % CPU, {controlPlane.MaxRssMiB:0} MiB");
        var shape = $"{swarm.Count} agents renewing every {interval:0.#} s with a {settings.PollWaitSeconds} s long poll each, {settings.SwarmWindow:0} s window";
        return
        [
            ScenarioResult.Compared($"pg: lease renewals/s, swarm of {swarm.Count}", "renewals/s", rate, rawRate, 0.99 * BenchSettings.RenewalRateTarget / rawRate,
                $"{shape}; offered {offered:0}/s; target = 99 % of 2,000/s over the raw UPDATE rate"),
            ScenarioResult.ComparedReportOnly("pg: lease renewal capacity/s, 32 agents back to back", "renewals/s", capacity, rawRate,
                "closed loop, before the swarm, no long polls: the most the API renews on this machine"),
            ScenarioResult.Absolute("pg: renewal latency p50 (swarm)", "ms", p50, null, lowerIsBetter: true, "from the scheduled time"),
            ScenarioResult.Absolute("pg: renewal latency p99 (swarm)", "ms", p99, BenchSettings.RenewalP99TargetMs, lowerIsBetter: true, "from the scheduled time"),
            ScenarioResult.Absolute("pg: renewal errors (failed + missed)", "count", errors, 0, lowerIsBetter: true,
                $"{renewErrors} failed, {missed} missed (previous renewal still pending); {pollErrors} long-poll errors {firstError}"),
            ScenarioResult.Absolute("pg: claims/s during the swarm", "claims/s", claims, settings.SwarmClaimsPerSecond, lowerIsBetter: false,
                $"8 worker agents of another tenant, paced; {claimErrors} failed calls"),
            ScenarioResult.Absolute("control plane: CPU while serving the swarm", "% of one core", controlPlane.CpuPercent, null, lowerIsBetter: true,
                $"{Environment.ProcessorCount} cores shared with PostgreSQL and the swarm"),
            ScenarioResult.Absolute("control plane: RSS while serving the swarm (max)", "MiB", controlPlane.MaxRssMiB, null, lowerIsBetter: true),
        ];
    }

    private async Task PollLoopAsync(SimAgent agent, CancellationToken stop, Action onError)
    {
        try
        {
            // After the agent's first renewal of the run, spread over one wait, as agents that started at different times are.
            await Task.Delay(TimeSpan.FromSeconds(settings.RenewIntervalSeconds + Random.Shared.NextDouble() * settings.PollWaitSeconds), stop);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await agent.PullAsync(1, settings.PollWaitSeconds, stop);
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                }
                catch (RpcException)
                {
                    onError();
                    await Task.Delay(TimeSpan.FromSeconds(1), stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ClaimLoopAsync(SimAgent worker, int index, double t0, double end, RateMeter meter, Action onError,
        CancellationToken cancellationToken)
    {
        var period = ClaimWorkers / settings.SwarmClaimsPerSecond;
        var renewedAt = double.MinValue;
        for (var k = 0; ; k++)
        {
            // Slots that passed while a call was slow are skipped, not made up for: a steady rate, never a burst.
            k = Math.Max(k, (int)Math.Floor((Clock.Now - t0) / period));
            var due = t0 + (k + index / (double)ClaimWorkers) * period;
            if (due >= end)
            {
                return;
            }

            await Clock.UntilAsync(due, cancellationToken);
            try
            {
                // A worker is an agent too: it keeps its lease (not measured).
                if (Clock.Now - renewedAt > 10)
                {
                    await worker.RenewAsync(acquire: false, cancellationToken);
                    renewedAt = Clock.Now;
                }

                var pulled = await worker.PullAsync(1, 0, cancellationToken);
                meter.Add(pulled.Commands.Count);
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                // An overloaded control plane fails calls: that is a result (counted), not the end of the run.
                onError();
            }
        }
    }

    private async Task<double> RawRenewalsAsync(string tenant, string[] agentIds, CancellationToken cancellationToken)
    {
        const string update = "UPDATE agent_leases SET held = true, renew_time = $2, expires_at = $3, lease_duration_seconds = 40 WHERE agent_id = $1";
        var connections = new List<(NpgsqlConnection Connection, NpgsqlCommand Command)>();
        try
        {
            for (var i = 0; i < settings.RawConnections; i++)
            {
                var connection = await pg.Database.Service.OpenConnectionAsync(cancellationToken);
                await Baselines.RowSecurityContext.SetSessionTenantAsync(connection, tenant, cancellationToken);
                var command = new NpgsqlCommand(update, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text },
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz },
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    },
                };
                await command.PrepareAsync(cancellationToken);
                connections.Add((connection, command));
            }

            return await ClosedLoop.RunAsync(connections.Count, settings.Warmup, settings.Duration, async (w, meter, end) =>
            {
                var command = connections[w].Command;
                var random = new Random(w);
                while (Clock.Now < end)
                {
                    var now = DateTime.UtcNow;
                    command.Parameters[0].Value = agentIds[random.Next(agentIds.Length)];
                    command.Parameters[1].Value = now;
                    command.Parameters[2].Value = now.AddSeconds(40);
                    if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
                    {
                        throw new InvalidOperationException("the raw lease UPDATE changed no row");
                    }

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
