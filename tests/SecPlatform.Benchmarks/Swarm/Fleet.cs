using System.Collections.Concurrent;
using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Benchmarks.Swarm;

/// <summary>Registers simulated agents through the real API and takes their leases (set-up, not measured).</summary>
internal static class Fleet
{
    public const string Scanner = "shellcheck";

    public static async Task<List<SimAgent>> RegisterAsync(AgentChannels channels, AdminClient admin, string tenant, int count, string namePrefix,
        CancellationToken cancellationToken, bool acquire = true)
    {
        var agents = new ConcurrentBag<SimAgent>();
        var tokens = new List<string>();
        for (var left = count; left > 0; left -= 10_000)
        {
            tokens.Add((await admin.CreateTokenAsync(tenant, Math.Min(left, 10_000), cancellationToken)).Secret);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var client = channels.NextClient();
                var response = await client.RegisterAsync(Request(tokens[i / 10_000], $"{namePrefix}-{i}"),
                    deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
                var agent = new SimAgent(response.AgentId, response.AgentKey, client);
                if (acquire)
                {
                    await agent.RenewAsync(acquire: true, ct);
                }

                agents.Add(agent);
            });
        return [.. agents];
    }

    public static RegisterRequest Request(string token, string name) => new()
    {
        BootstrapToken = token,
        Name = name,
        Hostname = name + ".bench.internal",
        Os = "linux",
        Arch = "x64",
        Version = "0.1.0-bench",
        Capabilities = { new Capability { Scanner = Scanner, Version = "0.9.0" } },
    };

    /// <summary>Time a phase of set-up, on the console.</summary>
    public static async Task<T> TimedAsync<T>(string what, Func<Task<T>> work)
    {
        var start = Clock.Now;
        var result = await work();
        Console.WriteLine($"  {what}: {Clock.Now - start:0.0} s");
        return result;
    }
}
