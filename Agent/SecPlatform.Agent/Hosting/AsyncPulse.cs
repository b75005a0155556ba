namespace SecPlatform.Agent.Hosting;

/// <summary>
/// A wake-up for the daemon's loops: <see cref="Set"/> completes every task handed out by <see cref="Next"/> so far.
/// Take <see cref="Next"/> before looking at the state it guards, so a change in between is not missed.
/// </summary>
public sealed class AsyncPulse
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next() => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Waits until one of <paramref name="wakes"/> completes or <paramref name="timeout"/> passes (never, when null);
    /// throws only when <paramref name="cancellationToken"/> fires. Whatever way it ends, it leaves nothing attached to
    /// the wake-ups that did not fire (a loop that waits often must not pile up continuations on a quiet pulse).
    /// </summary>
    public static async Task WaitAsync(IReadOnlyList<Task> wakes, TimeSpan? timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = new Task[wakes.Count + 1];
        for (var i = 0; i < wakes.Count; i++)
        {
            // Canceled, WaitAsync detaches itself from the wake-up it waited on.
            waits[i] = wakes[i].WaitAsync(done.Token);
        }

        waits[^1] = Task.Delay(timeout ?? Timeout.InfiniteTimeSpan, timeProvider, done.Token);
        await Task.WhenAny(waits);
        await done.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    public static Task WaitAsync(Task wake, TimeSpan? timeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        WaitAsync([wake], timeout, timeProvider, cancellationToken);
}
