namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>
/// N workers, each doing one operation after another until the end of the run (closed loop: the rate is what the
/// system under test can do at that concurrency). Workers check the clock between operations, so no operation is
/// cancelled half-way.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<double> RunAsync(int workers, double warmup, double duration,
        Func<int, RateMeter, double, Task> worker)
    {
        var meter = new RateMeter();
        var start = Clock.Now;
        var end = start + warmup + duration;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => worker(w, meter, end))));
        return meter.RateBetween(start + warmup, end);
    }
}
