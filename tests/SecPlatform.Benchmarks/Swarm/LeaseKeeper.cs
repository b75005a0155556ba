using Grpc.Core;

namespace SecPlatform.Benchmarks.Swarm;

/// <summary>
/// Keeps a group of simulated agents' leases, as real agents do (a renewal every 10 s), while a scenario measures
/// something else with them; without it a lease taken at set-up would expire during a long run. Not measured.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseKeeper(IReadOnlyList<SimAgent> agents, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(stop))
                {
                    await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stop },
                        async (agent, ct) =>
                        {
                            try
                            {
                                await agent.RenewAsync(acquire: false, ct);
                            }
                            catch (RpcException) when (!ct.IsCancellationRequested)
                            {
                                // The scenario reports what fails; a missed renewal here is retried in 10 s.
                            }
                        });
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
