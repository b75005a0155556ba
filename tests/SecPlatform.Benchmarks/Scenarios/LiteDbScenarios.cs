using Grpc.Core;
using SecPlatform.Benchmarks.Baselines;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Storage.LiteDb;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// The embedded store: the real control-plane process on LiteDB (its file seeded with a tenant and queued commands
/// through the store itself before the service opens it), driven through the API, against the same LiteDB operations
/// on a bare file in this process (<see cref="RawLiteDb"/>, one thread: LiteDB serializes writers anyway).
/// </summary>
internal sealed class LiteDbScenarios(BenchSettings settings, string workDir)
{
    private const int Claimers = 8;
    private const int Renewers = 8;
    private const int Streams = 2;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(workDir, "cp-litedb-data");
        Directory.CreateDirectory(dataDir);
        var tenant = new Tenant { Id = SecretToken.NewId(), Name = "lite", CreatedAt = DateTimeOffset.UtcNow };
        await Fleet.TimedAsync($"seeded {settings.LiteBacklog} queued commands into the LiteDB file", async () =>
        {
            using var store = new LiteDbControlPlaneStore(Path.Combine(dataDir, LiteDbControlPlaneStore.DefaultFileName));
            await store.CreateTenantAsync(tenant, cancellationToken);
            var at = DateTimeOffset.UtcNow.AddHours(-1);
            for (var i = 0; i < settings.LiteBacklog; i++)
            {
                var available = at.AddTicks(i * 100L);
                await store.EnqueueCommandAsync(new Command
                {
                    Id = SecretToken.NewId(),
                    TenantId = tenant.Id,
                    Scanner = Fleet.Scanner,
                    Parameters = new Dictionary<string, string> { ["path"] = "/srv/app" },
                    RequiredCapabilities = [Fleet.Scanner],
                    MaxAttempts = 3,
                    TimeoutSeconds = 600,
                    NotBefore = available,
                    ExpiresAt = available.AddDays(2),
                    RequestHash = new string('a', 64),
                    Status = CommandStatus.Queued,
                    AvailableAt = available,
                    SortKey = available,
                    CreatedAt = available,
                    CreatedBy = "bench",
                }, cancellationToken);
            }

            return true;
        });

        await using var controlPlane = await ControlPlaneProcess.StartAsync(workDir, "cp-litedb", [], cancellationToken);
        using var channels = new AgentChannels(controlPlane.GrpcAddress, 2);
        var admin = new AdminClient(AgentChannels.Create(controlPlane.GrpcAddress), controlPlane.AdminKey);
        var agents = await Fleet.RegisterAsync(channels, admin, tenant.Name, Math.Max(Claimers, Renewers) + Streams, "lite", cancellationToken);
        await using var leases = new LeaseKeeper(agents, cancellationToken);
        var ingesters = agents.Take(Streams).ToList();
        var claims = new List<AssignedCommand>();
        foreach (var agent in ingesters)
        {
            claims.Add((await agent.PullAsync(1, 0, cancellationToken)).Commands.Single());
        }

        var workers = agents.Skip(Streams).ToList();
        using var raw = new RawLiteDb(Path.Combine(workDir, "raw-litedb.db"));
        // The raw loop claims ten times as fast as the API: a deeper queue, so it does not run dry inside its window.
        raw.Seed(settings.LiteBacklog * 10, agents: Renewers);
        var factory = new FindingFactory();

        var rawClaims = await ClosedLoop.RunAsync(1, settings.Warmup, settings.Duration, (_, meter, end) =>
        {
            while (Clock.Now < end)
            {
                if (!raw.Claim())
                {
                    meter.Exhausted();
                    break;
                }

                meter.Add();
            }

            return Task.CompletedTask;
        });
        var apiClaims = await ClosedLoop.RunAsync(Claimers, settings.Warmup, settings.Duration, async (w, meter, end) =>
        {
            while (Clock.Now < end)
            {
                var pulled = await workers[w].PullAsync(1, 0, cancellationToken);
                if (pulled.Commands.Count == 0)
                {
                    meter.Exhausted();
                    return;
                }

                meter.Add(pulled.Commands.Count);
            }
        });

        var rawRenewals = await ClosedLoop.RunAsync(1, settings.Warmup, settings.Duration, (_, meter, end) =>
        {
            while (Clock.Now < end)
            {
                raw.Renew();
                meter.Add();
            }

            return Task.CompletedTask;
        });
        var apiRenewals = await ClosedLoop.RunAsync(Renewers, settings.Warmup, settings.Duration, async (w, meter, end) =>
        {
            while (Clock.Now < end)
            {
                await workers[w].RenewAsync(acquire: false, cancellationToken);
                meter.Add();
            }
        });

        var rawIngest = await ClosedLoop.RunAsync(1, settings.Warmup, settings.Duration, async (_, meter, end) =>
        {
            // The next batch is built while this one is written, as the API's client and server overlap their work.
            List<SecPlatform.Contracts.Agent.V1.Finding> NextBatch() => [.. Enumerable.Range(0, settings.IngestBatch).Select(_ => factory.Next())];
            var next = Task.Run(NextBatch, cancellationToken);
            while (Clock.Now < end)
            {
                var batch = await next;
                next = Task.Run(NextBatch, cancellationToken);
                raw.Ingest(batch);
                meter.Add(batch.Count);
            }
        });
        var apiIngest = await ClosedLoop.RunAsync(Streams, settings.Warmup, settings.Duration, async (w, meter, end) =>
        {
            var agent = ingesters[w];
            using var call = agent.Client.StreamFindings(agent.Call(TimeSpan.FromMinutes(5), cancellationToken));
            while (Clock.Now < end)
            {
                await call.RequestStream.WriteAsync(factory.Batch(settings.IngestBatch, claims[w].Id, claims[w].FencingToken), cancellationToken);
                if (!await call.ResponseStream.MoveNext(cancellationToken) || !call.ResponseStream.Current.Accepted)
                {
                    throw new InvalidOperationException($"batch not accepted: {call.ResponseStream.Current?.RefusedReason}");
                }

                meter.Add(call.ResponseStream.Current.NewCount);
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

        Console.WriteLine($"  litedb: claims raw {rawClaims:0}/s api {apiClaims:0}/s; renewals raw {rawRenewals:0}/s api {apiRenewals:0}/s; " +
            $"ingest raw {rawIngest:0}/s api {apiIngest:0}/s");
        return
        [
            ScenarioResult.Compared("litedb: claims/s, 8 agents, batch 1", "claims/s", apiClaims, rawClaims, 0.5, "raw: one thread on a bare file"),
            ScenarioResult.Compared("litedb: lease renewals/s", "renewals/s", apiRenewals, rawRenewals, 0.5, $"{Renewers} agents renewing back to back"),
            ScenarioResult.Compared("litedb: findings ingest/s", "findings/s", apiIngest, rawIngest, 0.3, $"{Streams} streams, batches of {settings.IngestBatch}"),
        ];
    }
}
