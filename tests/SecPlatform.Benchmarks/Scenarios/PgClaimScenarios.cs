using SecPlatform.Benchmarks.Baselines;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// Claims through the real API (PullCommands with wait 0 over a seeded backlog, tenant agents) against the store's
/// claim SQL run raw on 8 prepared connections: batch 1 with 8 and 32 agents, claim + complete, batch of 10.
/// Every run has its own tenant and backlog, seeded and vacuumed before anything is measured.
/// </summary>
internal sealed class PgClaimScenarios(PgEnvironment pg, BenchSettings settings)
{
    public async Task<IReadOnlyList<ScenarioResult>> ClaimsAsync(CancellationToken cancellationToken)
    {
        var raw = await TenantWithBacklogAsync("claims-raw", settings.Backlog, cancellationToken);
        var api8 = await TenantWithBacklogAsync("claims-8", settings.Backlog, cancellationToken);
        var api32 = await TenantWithBacklogAsync("claims-32", settings.Backlog, cancellationToken);
        var agents8 = await AgentsAsync(api8, 8, cancellationToken);
        var agents32 = await AgentsAsync(api32, 32, cancellationToken);
        await using var leases = new LeaseKeeper([.. agents8, .. agents32], cancellationToken);
        await pg.Database.VacuumAnalyzeAsync(cancellationToken);

        var rawRate = await RawAsync(raw, batch: 1, complete: false, cancellationToken);
        var rate8 = await ApiAsync(agents8, batch: 1, complete: false, cancellationToken);
        var rate32 = await ApiAsync(agents32, batch: 1, complete: false, cancellationToken);
        Console.WriteLine($"  claims/s: raw {rawRate:0}, 8 agents {rate8:0}, 32 agents {rate32:0}");
        return
        [
            ScenarioResult.Compared("pg: claims/s, 8 agents, batch 1", "claims/s", rate8, rawRate, 0.5, "stretch 0.7"),
            ScenarioResult.Compared("pg: claims/s, 32 agents, batch 1", "claims/s", rate32, rawRate, 0.5, "stretch 0.7; raw on 8 connections"),
        ];
    }

    public async Task<IReadOnlyList<ScenarioResult>> ClaimCompleteAsync(CancellationToken cancellationToken)
    {
        var raw = await TenantWithBacklogAsync("cycle-raw", settings.Backlog, cancellationToken);
        var api = await TenantWithBacklogAsync("cycle-api", settings.Backlog, cancellationToken);
        var agents = await AgentsAsync(api, 8, cancellationToken);
        await using var leases = new LeaseKeeper(agents, cancellationToken);
        await pg.Database.VacuumAnalyzeAsync(cancellationToken);

        var rawRate = await RawAsync(raw, batch: 1, complete: true, cancellationToken);
        var apiRate = await ApiAsync(agents, batch: 1, complete: true, cancellationToken);
        Console.WriteLine($"  claim + complete cycles/s: raw {rawRate:0}, 8 agents {apiRate:0}");
        return [ScenarioResult.Compared("pg: claim + complete cycles/s, 8 agents", "cycles/s", apiRate, rawRate, 0.6)];
    }

    public async Task<IReadOnlyList<ScenarioResult>> BatchClaimsAsync(CancellationToken cancellationToken)
    {
        var raw = await TenantWithBacklogAsync("batch-raw", settings.BatchBacklog, cancellationToken);
        var api = await TenantWithBacklogAsync("batch-api", settings.BatchBacklog, cancellationToken);
        var agents = await AgentsAsync(api, 8, cancellationToken);
        await using var leases = new LeaseKeeper(agents, cancellationToken);
        await pg.Database.VacuumAnalyzeAsync(cancellationToken);

        var rawRate = await RawAsync(raw, batch: 10, complete: false, cancellationToken);
        var apiRate = await ApiAsync(agents, batch: 10, complete: false, cancellationToken);
        Console.WriteLine($"  batch-of-10 commands/s: raw {rawRate:0}, 8 agents {apiRate:0}");
        return [ScenarioResult.Compared("pg: batch claims (10 per pull) commands/s, 8 agents", "commands/s", apiRate, rawRate, 0.5,
            "raw: 10 per statement")];
    }

    private async Task<string> TenantWithBacklogAsync(string purpose, int backlog, CancellationToken cancellationToken)
    {
        var tenant = await pg.TenantAsync(purpose, cancellationToken);
        await pg.Database.SeedQueuedAsync(tenant, backlog, cancellationToken);
        return tenant;
    }

    private Task<List<SimAgent>> AgentsAsync(string tenant, int count, CancellationToken cancellationToken) =>
        Fleet.RegisterAsync(pg.Channels, pg.Admin, tenant, count, $"claimer-{tenant}", cancellationToken);

    private async Task<double> RawAsync(string tenant, int batch, bool complete, CancellationToken cancellationToken)
    {
        var claimers = new List<RawClaimer>();
        try
        {
            for (var i = 0; i < settings.RawConnections; i++)
            {
                claimers.Add(await RawClaimer.OpenAsync(pg.Database.Service, tenant, $"rawagent{i:0000}", batch, complete, cancellationToken));
            }

            return await ClosedLoop.RunAsync(claimers.Count, settings.Warmup, settings.Duration, async (w, meter, end) =>
            {
                var claimed = new List<(string Id, long FencingToken)>(batch);
                while (Clock.Now < end)
                {
                    claimed.Clear();
                    await claimers[w].ClaimAsync(claimed, cancellationToken);
                    if (claimed.Count == 0)
                    {
                        meter.Exhausted();
                        return;
                    }

                    if (complete)
                    {
                        foreach (var command in claimed)
                        {
                            await claimers[w].CompleteAsync(command, cancellationToken);
                        }
                    }

                    meter.Add(claimed.Count);
                }
            });
        }
        finally
        {
            foreach (var claimer in claimers)
            {
                await claimer.DisposeAsync();
            }
        }
    }

    private async Task<double> ApiAsync(List<SimAgent> agents, int batch, bool complete, CancellationToken cancellationToken) =>
        await ClosedLoop.RunAsync(agents.Count, settings.Warmup, settings.Duration, async (w, meter, end) =>
        {
            var agent = agents[w];
            while (Clock.Now < end)
            {
                var pulled = await agent.PullAsync(batch, waitSeconds: 0, cancellationToken);
                if (pulled.Commands.Count == 0)
                {
                    meter.Exhausted();
                    return;
                }

                if (complete)
                {
                    foreach (var command in pulled.Commands)
                    {
                        await agent.CompleteAsync(command, cancellationToken);
                    }
                }

                meter.Add(pulled.Commands.Count);
            }
        });
}
