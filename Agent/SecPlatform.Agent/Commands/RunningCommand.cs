using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Commands;

/// <summary>A command this process is working on: its claim, and the switch that stops its scan.</summary>
public sealed class RunningCommand : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _reason = -1;

    public RunningCommand(AssignedCommand command, long receivedAt)
    {
        Command = command;
        ReceivedAt = receivedAt;
    }

    public AssignedCommand Command { get; }

    public string CommandId => Command.Id;

    /// <summary>When the claim arrived (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long ReceivedAt { get; }

    /// <summary>Cancelled when the scan must stop; <see cref="Reason"/> says why.</summary>
    public CancellationToken Token => _stop.Token;

    public StopReason? Reason => _reason < 0 ? null : (StopReason)Volatile.Read(ref _reason);

    /// <summary>The work, once started (the caller awaits it when draining).</summary>
    public Task Execution { get; set; } = Task.CompletedTask;

    /// <summary>Stops the scan for <paramref name="reason"/> unless it was stopped already; true when this call stopped it.</summary>
    public bool Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, -1) != -1)
        {
            return false;
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished and disposed meanwhile: nothing left to stop.
        }

        return true;
    }

    public void Dispose() => _stop.Dispose();
}
