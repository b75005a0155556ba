using SecPlatform.Agent.Hosting;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Commands;

/// <summary>The commands this process is working on, by id: what stop requests, fencing and shutdown act on.</summary>
public sealed class RunningCommands
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunningCommand> _running = new(StringComparer.Ordinal);

    /// <summary>Set when a command finished: a slot is free.</summary>
    public AsyncPulse Finished { get; } = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Takes on a claimed command; null when this process already works on that id.</summary>
    public RunningCommand? Add(AssignedCommand command, long receivedAt)
    {
        lock (_gate)
        {
            if (_running.ContainsKey(command.Id))
            {
                return null;
            }

            var running = new RunningCommand(command, receivedAt);
            _running.Add(command.Id, running);
            return running;
        }
    }

    public void Remove(RunningCommand running)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(running.CommandId, out var current) && current == running)
            {
                _running.Remove(running.CommandId);
            }
        }

        running.Dispose();
        Finished.Set();
    }

    /// <summary>Stops the named commands this process runs (others are ignored: the control plane repeats stop notices);
    /// returns those it stopped.</summary>
    public IReadOnlyList<string> Stop(IEnumerable<string> commandIds, StopReason reason)
    {
        List<RunningCommand> targets;
        lock (_gate)
        {
            targets = [.. commandIds.Distinct(StringComparer.Ordinal).Select(id => _running.GetValueOrDefault(id)).OfType<RunningCommand>()];
        }

        return [.. targets.Where(running => running.Stop(reason)).Select(running => running.CommandId)];
    }

    /// <summary>Stops everything running; returns how many this call stopped.</summary>
    public int StopAll(StopReason reason)
    {
        List<RunningCommand> targets;
        lock (_gate)
        {
            targets = [.. _running.Values];
        }

        return targets.Count(running => running.Stop(reason));
    }

    /// <summary>The work of every running command.</summary>
    public IReadOnlyList<Task> Executions()
    {
        lock (_gate)
        {
            return [.. _running.Values.Select(running => running.Execution)];
        }
    }
}
