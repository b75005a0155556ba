using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// Dispatch latency: idle agents of one tenant long-poll (PullCommands, wait 30 s); an admin enqueues one command at a
/// time (EnqueueCommand over the API) and the clock runs from the enqueue call until an agent's poll returns it. The
/// next command goes out after the previous one arrived and a short random pause. Absolute, report only.
/// </summary>
internal sealed class DispatchScenario(PgEnvironment pg, BenchSettings settings)
{
    private const int Warmup = 5;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var tenant = await pg.TenantAsync("dispatch", cancellationToken);
        var agents = await Fleet.RegisterAsync(pg.Channels, pg.Admin, tenant, settings.DispatchIdleAgents, "idle", cancellationToken);
        await using var leases = new LeaseKeeper(agents, cancellationToken);
        var waiting = new ConcurrentDictionary<int, (double SentAt, TaskCompletionSource<double> Arrived)>();
        var pollErrors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var polls = agents.Select(agent => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var pulled = await agent.PullAsync(1, 30, stop.Token);
                    var at = Clock.Now;
                    foreach (var command in pulled.Commands)
                    {
                        var seq = int.Parse(command.Parameters["path"].AsSpan("/srv/dispatch/".Length), CultureInfo.InvariantCulture);
                        if (waiting.TryRemove(seq, out var entry))
                        {
                            entry.Arrived.TrySetResult((at - entry.SentAt) * 1000);
                        }
                    }
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref pollErrors);
                    await Task.Delay(500, CancellationToken.None);
                }
            }
        }, CancellationToken.None)).ToList();

        // Let every agent reach its wait.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var latencies = new Latencies();
        var lost = 0;
        try
        {
            for (var i = 0; i < settings.DispatchCommands + Warmup; i++)
            {
                var arrived = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
                waiting[i] = (Clock.Now, arrived);
                await pg.Admin.EnqueueAsync(tenant, $"/srv/dispatch/{i}", cancellationToken);
                var done = await Task.WhenAny(arrived.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
                if (done != arrived.Task)
                {
                    lost++;
                    waiting.TryRemove(i, out _);
                }
                else if (i >= Warmup)
                {
                    latencies.Add(await arrived.Task);
                }

                await Task.Delay(20 + Random.Shared.Next(30), cancellationToken);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(polls);
        }

        var p50 = latencies.Percentile(50);
        var p99 = latencies.Percentile(99);
        Console.WriteLine($"  dispatch with {agents.Count} idle agents: p50 {p50:0.0} ms, p99 {p99:0.0} ms ({latencies.Count} commands, {lost} not delivered in 10 s, {pollErrors} poll errors)");
        var note = $"{agents.Count} idle agents long-polling; {latencies.Count} commands; {lost} not delivered within 10 s; {pollErrors} poll errors";
        return
        [
            ScenarioResult.Absolute("pg: dispatch latency p50", "ms", p50, 10, lowerIsBetter: true, note),
            ScenarioResult.Absolute("pg: dispatch latency p99", "ms", p99, 50, lowerIsBetter: true, "enqueue call -> the agent's poll returns it"),
        ];
    }
}
