using Microsoft.Extensions.Logging;
using SecPlatform.Agent.Hosting;

namespace SecPlatform.Agent.Lease;

/// <summary>
/// The lease as the rest of the agent needs to know it: whether it is held (work may be taken), whether the control
/// plane asks for a drain, and self-fencing. The lease loop reports each successful renewal with the time it was
/// <em>sent</em>; when no renewal has succeeded for <see cref="FenceFraction"/> x the lease duration counted from
/// there, the lease may have run out on the server's clock and another agent may get the work, so
/// <see cref="Fenced"/> fires and running scans stop. The next successful renewal lifts the fence. A superseded or
/// revoked holder is fenced for good (<see cref="Lost"/>).
/// </summary>
public sealed partial class LeaseMonitor : IDisposable
{
    public const double FenceFraction = 0.8;

    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LeaseMonitor> _logger;
    private readonly Lock _gate = new();
    private readonly ITimer _fenceTimer;
    private readonly TaskCompletionSource _firstHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _fenceAt;
    private TimeSpan _fenceAfter;
    private bool _fenced;
    private bool _drain;
    private LeaseLoss? _lost;

    public LeaseMonitor(TimeProvider timeProvider, ILogger<LeaseMonitor> logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _fenceTimer = timeProvider.CreateTimer(_ => CheckFence(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Fires when this process must stop its running scans: fenced, superseded or revoked.</summary>
    public event Action<LeaseLoss>? Fenced;

    /// <summary>Fires with the commands the control plane named to stop in a renew answer.</summary>
    public event Action<IReadOnlyList<string>>? StopRequested;

    /// <summary>Set on every change and on every successful renewal.</summary>
    public AsyncPulse Changed { get; } = new();

    public bool IsFenced
    {
        get
        {
            lock (_gate)
            {
                return _fenced || _lost is not null;
            }
        }
    }

    /// <summary>Why no new work may be taken now, or null when it may.</summary>
    public string? WhyNoWork()
    {
        lock (_gate)
        {
            return _lost switch
            {
                LeaseLoss.Superseded => "another process holds this agent's lease",
                LeaseLoss.Revoked => "this agent was revoked",
                _ when _fenced => "self-fenced: no lease renewal succeeded in time",
                _ when !_firstHeld.Task.IsCompleted => "the lease is not held yet",
                _ when _drain => "the control plane asks this agent to drain",
                _ => null,
            };
        }
    }

    /// <summary>Completes once the lease was held the first time.</summary>
    public Task WaitUntilHeldAsync(CancellationToken cancellationToken) => _firstHeld.Task.WaitAsync(cancellationToken);

    /// <summary>A renewal (or acquire) succeeded; it was sent at <paramref name="sentTimestamp"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public void Renewed(long sentTimestamp, TimeSpan leaseDuration, bool drain, IReadOnlyList<string> stopCommandIds)
    {
        bool recovered;
        lock (_gate)
        {
            if (_lost is not null)
            {
                return;
            }

            recovered = _fenced;
            _fenced = false;
            _drain = drain;
            _fenceAfter = leaseDuration * FenceFraction;
            _fenceAt = sentTimestamp + (long)(_fenceAfter.TotalSeconds * _timeProvider.TimestampFrequency);
            var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), _fenceAt);
            _fenceTimer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        _firstHeld.TrySetResult();
        if (recovered)
        {
            LogFenceLifted();
        }

        if (stopCommandIds.Count > 0)
        {
            StopRequested?.Invoke(stopCommandIds);
        }

        Changed.Set();
    }

    /// <summary>The lease is gone for good: superseded or revoked.</summary>
    public void Lost(LeaseLoss loss)
    {
        lock (_gate)
        {
            if (_lost is not null)
            {
                return;
            }

            _lost = loss;
            _fenceTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Fenced?.Invoke(loss);
        Changed.Set();
    }

    public void Dispose() => _fenceTimer.Dispose();

    private void CheckFence()
    {
        TimeSpan fenceAfter;
        lock (_gate)
        {
            if (_fenced || _lost is not null)
            {
                return;
            }

            var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), _fenceAt);
            if (remaining > TimeSpan.Zero)
            {
                // A renewal moved the deadline after this timer was due.
                _fenceTimer.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }

            _fenced = true;
            fenceAfter = _fenceAfter;
        }

        LogFenced(fenceAfter.TotalSeconds);
        Fenced?.Invoke(LeaseLoss.SelfFenced);
        Changed.Set();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Self-fencing: no lease renewal succeeded for {Seconds:0.#} s (0.8 x the lease duration, counted from when the last successful renewal was sent); the lease may be lost, so running scans stop and no work is taken until a renewal succeeds")]
    private partial void LogFenced(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease renewed again after self-fencing; taking work again")]
    private partial void LogFenceLifted();
}
