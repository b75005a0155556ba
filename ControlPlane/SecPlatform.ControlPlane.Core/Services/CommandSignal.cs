namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Wakes long-polling PullCommands calls when work may have appeared. In-process; on PostgreSQL a
/// LISTEN/NOTIFY listener pulses it for commands enqueued on other replicas.
/// </summary>
public sealed class CommandSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>A task that completes at the next <see cref="Notify"/>; take it before checking for work, so no wake-up is missed.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;

    public void Notify()
    {
        var previous = Interlocked.Exchange(ref _next, NewSource());
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
