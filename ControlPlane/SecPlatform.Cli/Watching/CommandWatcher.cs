using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>
/// Follows commands by polling each unfinished one every interval until all are in a terminal status
/// or the time runs out, and shows each change on an <see cref="IWatchDisplay"/>. A change is a new
/// status, attempt, progress (percent or message) or cancel request; other fields (log tail, lease
/// times) do not count, so the display does not churn. All waiting goes through the injected
/// <see cref="TimeProvider"/>, so tests never sleep.
/// </summary>
public sealed class CommandWatcher(CommandWatcher.Fetch fetch, TimeProvider time, IWatchDisplay display)
{
    /// <summary>
    /// How long the control plane may stay unreachable in the middle of a watch before the watch gives
    /// up: a restart or a replica switch should not end a watch of long-running scans.
    /// </summary>
    public static readonly TimeSpan TransientGrace = TimeSpan.FromSeconds(30);

    /// <summary>Reads one command; the call must end by <c>notAfter</c> when one is given.</summary>
    public delegate Task<Command> Fetch(string id, DateTimeOffset? notAfter, CancellationToken cancellationToken);

    public async Task<WatchResult> WatchAsync(IReadOnlyList<string> ids, TimeSpan interval, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var started = time.GetTimestamp();
        DateTimeOffset? deadline = timeout is null ? null : time.GetUtcNow() + timeout.Value;
        var latest = new Command?[ids.Count];
        long? failingSince = null;

        while (true)
        {
            var changed = new List<Command>();
            var passFailed = false;
            for (var i = 0; i < ids.Count && !passFailed; i++)
            {
                if (latest[i] is { } known && CommandStatuses.IsTerminal(known.Status))
                {
                    continue;
                }

                try
                {
                    var current = await fetch(ids[i], deadline, cancellationToken);
                    if (latest[i] is not { } previous || ChangeOf(previous) != ChangeOf(current))
                    {
                        changed.Add(current);
                    }

                    latest[i] = current;
                }
                catch (RpcException e) when (timeout is not null && e.StatusCode == StatusCode.DeadlineExceeded)
                {
                    // The call's deadline is the watch's end: the time ran out during the call.
                    passFailed = true;
                }
                catch (RpcException e) when (IsTransient(e) && latest.All(command => command is not null)
                    && time.GetElapsedTime(failingSince ??= time.GetTimestamp()) < TransientGrace)
                {
                    // Keep what was last seen and try again at the next poll. The first poll is not
                    // retried: a watch that cannot start should say so at once.
                    passFailed = true;
                }
            }

            if (!passFailed)
            {
                failingSince = null;
            }

            var result = new WatchResult(ids, latest.ToArray(), TimedOut: false);
            if (changed.Count > 0)
            {
                display.Show(result.Commands, changed);
            }

            if (result.AllFinished)
            {
                return result;
            }

            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return result with { TimedOut = true };
            }

            // Rounded up to whole milliseconds, the resolution of Task.Delay: a remainder it truncated
            // to zero would poll again at once, over and over, until the clock passed the deadline.
            var wait = remaining < interval ? remaining.Value : interval;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), time, cancellationToken);
        }
    }

    private static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    private static (CommandStatus, int, int, string, bool) ChangeOf(Command command) =>
        (command.Status, command.Attempt, command.ProgressPercent, command.ProgressMessage, command.CancelRequested);
}
