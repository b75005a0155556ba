using Grpc.Core;
using SecPlatform.Cli.Tests.Support;
using SecPlatform.Cli.Watching;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Watching;

public sealed class CommandWatcherTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task WatchAsync_UnavailableMidWatch_KeepsLastSeenAndRetries()
    {
        var answers = new Queue<Func<Command>>(
        [
            () => Running(10),
            () => throw Unavailable(),
            () => throw Unavailable(),
            () => Done(CommandStatus.Succeeded),
        ]);
        var display = new RecordingDisplay();
        var watcher = new CommandWatcher((_, _, _) => Task.FromResult(answers.Dequeue()()), new FastForwardTimeProvider(), display);

        var result = await watcher.WatchAsync(["c1"], Interval, timeout: null, CancellationToken.None);

        Assert.True(result.AllFinished);
        Assert.False(result.TimedOut);
        Assert.Empty(result.Unsuccessful);
        Assert.Equal([CommandStatus.Running, CommandStatus.Succeeded], display.Changes.Select(command => command.Status));
    }

    [Fact]
    public async Task WatchAsync_UnavailableAtFirstPoll_Throws()
    {
        var watcher = new CommandWatcher((_, _, _) => throw Unavailable(), new FastForwardTimeProvider(), new RecordingDisplay());

        var error = await Assert.ThrowsAsync<RpcException>(() => watcher.WatchAsync(["c1"], Interval, null, CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task WatchAsync_UnavailableLongerThanGrace_Throws()
    {
        var time = new FastForwardTimeProvider();
        var calls = 0;
        var watcher = new CommandWatcher(
            (_, _, _) => calls++ == 0 ? Task.FromResult(Running(10)) : throw Unavailable(), time, new RecordingDisplay());

        var error = await Assert.ThrowsAsync<RpcException>(() => watcher.WatchAsync(["c1"], Interval, null, CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.InRange(time.Skipped, CommandWatcher.TransientGrace, CommandWatcher.TransientGrace + Interval + Interval);
    }

    [Fact]
    public async Task WatchAsync_NotFound_ThrowsAtOnce()
    {
        var calls = 0;
        var watcher = new CommandWatcher(
            (_, _, _) => calls++ == 0 ? Task.FromResult(Running(10)) : throw new RpcException(new Status(StatusCode.NotFound, "gone")),
            new FastForwardTimeProvider(), new RecordingDisplay());

        var error = await Assert.ThrowsAsync<RpcException>(() => watcher.WatchAsync(["c1"], Interval, null, CancellationToken.None));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task WatchAsync_Canceled_StopsWaiting()
    {
        using var cancellation = new CancellationTokenSource();
        var watcher = new CommandWatcher(
            (_, _, _) =>
            {
                cancellation.Cancel();
                return Task.FromResult(Running(10));
            },
            TimeProvider.System, new RecordingDisplay());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher.WatchAsync(["c1"], TimeSpan.FromHours(1), null, cancellation.Token));
    }

    [Fact]
    public async Task WatchAsync_OnlyCountedFieldsChange_ShowsNothingNew()
    {
        var answers = new Queue<Command>([Running(10), Running(10, logTail: "more output"), Done(CommandStatus.Failed)]);
        var display = new RecordingDisplay();
        var watcher = new CommandWatcher((_, _, _) => Task.FromResult(answers.Dequeue()), new FastForwardTimeProvider(), display);

        var result = await watcher.WatchAsync(["c1"], Interval, null, CancellationToken.None);

        Assert.Equal([CommandStatus.Running, CommandStatus.Failed], display.Changes.Select(command => command.Status));
        Assert.Equal(CommandStatus.Failed, Assert.Single(result.Unsuccessful).Status);
    }

    private static Command Running(int percent, string logTail = "") =>
        new() { Id = "c1", Status = CommandStatus.Running, ProgressPercent = percent, LogTail = logTail };

    private static Command Done(CommandStatus status) => new() { Id = "c1", Status = status };

    private static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, "restarting"));

    private sealed class RecordingDisplay : IWatchDisplay
    {
        public List<Command> Changes { get; } = [];

        public void Show(IReadOnlyList<Command> commands, IReadOnlyList<Command> changed) => Changes.AddRange(changed);
    }
}
