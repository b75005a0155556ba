using Grpc.Core;
using SecPlatform.Benchmarks.Baselines;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// Findings ingest over StreamFindings: 4 agents, each holding a claimed command, stream batches of 500 new findings
/// (the agent's batch size), each batch sent after the previous one was acknowledged (committed). The baseline stores
/// the same rows with the minimal COPY + upsert on 4 connections.
/// </summary>
internal sealed class PgIngestScenario(PgEnvironment pg, BenchSettings settings)
{
    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var rawTenant = await pg.TenantAsync("ingest-raw", cancellationToken);
        var rawCommand = await pg.Database.SeedQueuedAsync(rawTenant, 1, cancellationToken) + "00000001";
        var apiTenant = await pg.TenantAsync("ingest-api", cancellationToken);
        await pg.Database.SeedQueuedAsync(apiTenant, settings.IngestStreams, cancellationToken);
        var agents = await Fleet.RegisterAsync(pg.Channels, pg.Admin, apiTenant, settings.IngestStreams, "ingester", cancellationToken);
        await using var leases = new LeaseKeeper(agents, cancellationToken);
        var claims = new List<AssignedCommand>();
        foreach (var agent in agents)
        {
            claims.Add((await agent.PullAsync(1, 0, cancellationToken)).Commands.Single());
        }

        var factory = new FindingFactory();
        var raw = new RawIngest(pg.Database.Service, rawTenant, rawCommand);
        var rawRate = await ClosedLoop.RunAsync(settings.IngestStreams, settings.Warmup, settings.Duration, async (_, meter, end) =>
        {
            var batch = new List<Finding>(settings.IngestBatch);
            while (Clock.Now < end)
            {
                batch.Clear();
                for (var i = 0; i < settings.IngestBatch; i++)
                {
                    batch.Add(factory.Next());
                }

                await raw.IngestAsync(batch, cancellationToken);
                meter.Add(batch.Count);
            }
        });

        var apiRate = await ClosedLoop.RunAsync(settings.IngestStreams, settings.Warmup, settings.Duration, async (w, meter, end) =>
        {
            var agent = agents[w];
            using var call = agent.Client.StreamFindings(agent.Call(TimeSpan.FromMinutes(5), cancellationToken));
            while (Clock.Now < end)
            {
                await call.RequestStream.WriteAsync(factory.Batch(settings.IngestBatch, claims[w].Id, claims[w].FencingToken), cancellationToken);
                if (!await call.ResponseStream.MoveNext(cancellationToken))
                {
                    throw new InvalidOperationException("the findings stream ended early");
                }

                var ack = call.ResponseStream.Current;
                if (!ack.Accepted)
                {
                    throw new InvalidOperationException($"batch refused: {ack.RefusedReason}");
                }

                meter.Add(ack.NewCount + ack.DuplicateCount);
            }

            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext(cancellationToken))
            {
            }

            if (call.GetStatus().StatusCode != StatusCode.OK)
            {
                throw new InvalidOperationException($"the findings stream ended with {call.GetStatus()}");
            }
        });
        Console.WriteLine($"  findings/s: raw {rawRate:0}, StreamFindings {apiRate:0}");
        return [ScenarioResult.Compared("pg: findings ingest/s over StreamFindings", "findings/s", apiRate, rawRate, 0.5,
            $"{settings.IngestStreams} streams, batches of {settings.IngestBatch}, all new")];
    }
}
