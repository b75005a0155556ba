namespace SecPlatform.Agent.Outbox;

/// <summary>
/// Holds the lease loop's first acquire (which, as a new holder, makes the control plane release this agent's earlier
/// claims) until the outbox's first delivery attempt under the original fencing tokens has finished, whether it
/// delivered everything or failed: delivery goes on afterwards either way.
/// </summary>
public sealed class OutboxStartupGate
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _opened.Task.IsCompleted;

    public void Open() => _opened.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => _opened.Task.WaitAsync(cancellationToken);
}
