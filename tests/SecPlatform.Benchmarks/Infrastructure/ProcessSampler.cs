namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>Samples a process once a second while a scenario runs: CPU over the window, the largest RSS seen.</summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private ProcessStats? _first;
    private ProcessStats? _last;
    private long _maxRss;

    public ProcessSampler(int pid)
    {
        _pid = pid;
        _first = ProcessStats.Read(pid);
        _loop = LoopAsync();
    }

    public double CpuPercent => _first is { } a && _last is { } b ? ProcessStats.CpuPercent(a, b) : double.NaN;

    public double MaxRssMiB => _maxRss / 1024.0 / 1024.0;

    public async Task<ProcessSampler> StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        Sample();
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            Sample();
        }
    }

    private void Sample()
    {
        if (ProcessStats.Read(_pid) is { } now)
        {
            _last = now;
            _maxRss = Math.Max(_maxRss, now.RssBytes);
        }
    }
}
