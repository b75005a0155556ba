using System.ComponentModel;
using CliWrap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// Runs one scanner process through CliWrap: the executable with an argument array (never a shell), stdin empty,
/// stdout and stderr into bounded buffers, a timeout, and cancellation. Whatever stops it early (timeout, cancel,
/// the stdout cap) first kills its whole process tree with <see cref="IProcessTreeKiller"/> and only then cancels
/// CliWrap's forceful token, so the children cannot be orphaned between the two; after it ends, anything it left
/// running is killed too. The environment is the agent's, minus the bootstrap token, plus the run's marker.
/// </summary>
public sealed class ScannerProcess(IProcessTreeKiller killer, TimeProvider timeProvider, ILogger<ScannerProcess>? logger = null)
{
    private static readonly string[] HiddenVariables = ["SECPLAT_TOKEN"];

    private readonly ILogger _logger = logger ?? NullLogger<ScannerProcess>.Instance;

    public async Task<ProcessResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        OutputLimits limits,
        CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetTimestamp();
        if (cancellationToken.IsCancellationRequested)
        {
            return new ProcessResult(ProcessEnd.Canceled, null, TimeSpan.Zero, ReadOnlyMemory<byte>.Empty, false, false, "");
        }

        var marker = Guid.NewGuid().ToString("N");
        var run = new RunControl(killer, marker);
        using var forceful = run.Forceful;
        var capture = new OutputCapture(limits, () => run.RequestStop(ProcessEnd.OutputCapExceeded));
        var environment = new Dictionary<string, string?> { [IProcessTreeKiller.MarkerVariable] = marker };
        foreach (var hidden in HiddenVariables)
        {
            environment[hidden] = null;
        }

        var command = CliWrap.Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(capture.StandardOutput)
            .WithStandardErrorPipe(capture.StandardError);

        int? exitCode = null;
        string? startError = null;
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        try
        {
            CommandTask<CommandResult> task;
            try
            {
                task = command.ExecuteAsync(forceful.Token);
            }
            catch (Exception e) when (IsStartFailure(e))
            {
                startError = StartFailureMessage(e);
                run.Started(0);
                return new ProcessResult(ProcessEnd.FailedToStart, null, timeProvider.GetElapsedTime(startedAt), ReadOnlyMemory<byte>.Empty, false, false, "", startError);
            }

            run.Started(task.ProcessId);
            _logger.LogDebug("Started {Executable} as process {ProcessId}", executable, task.ProcessId);
            using (timeoutSource.Token.Register(() => run.RequestStop(ProcessEnd.TimedOut)))
            using (cancellationToken.Register(() => run.RequestStop(ProcessEnd.Canceled)))
            {
                try
                {
                    exitCode = (await task).ExitCode;
                }
                catch (OperationCanceledException) when (run.StopReason is not null)
                {
                    // Stopped on purpose; the reason says why.
                }
                catch (Exception e) when (IsStartFailure(e))
                {
                    startError = StartFailureMessage(e);
                }
            }
        }
        finally
        {
            await run.FinishAsync();
        }

        var leftovers = killer.KillLeftovers(marker);
        if (leftovers > 0)
        {
            _logger.LogInformation("Killed {Count} process(es) {Executable} left running", leftovers, executable);
        }

        var end = startError is not null ? ProcessEnd.FailedToStart : run.StopReason ?? ProcessEnd.Exited;
        return new ProcessResult(
            end,
            end == ProcessEnd.Exited ? exitCode : null,
            timeProvider.GetElapsedTime(startedAt),
            capture.Stdout,
            capture.StdoutTruncated,
            capture.StderrTruncated,
            capture.LogTail(),
            startError,
            leftovers);
    }

    private static bool IsStartFailure(Exception e) =>
        e is Win32Exception || (e is InvalidOperationException && e.InnerException is Win32Exception);

    private static string StartFailureMessage(Exception e) => (e.InnerException as Win32Exception ?? e as Win32Exception)?.Message ?? e.Message;

    // Serializes "stop it" against "it finished": the first stop reason wins, the tree is killed once and before
    // CliWrap's own kill, and nothing is killed after the run was wrapped up.
    private sealed class RunControl(IProcessTreeKiller killer, string marker)
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource<int> _processId = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task? _kill;
        private bool _finished;

        public CancellationTokenSource Forceful { get; } = new();

        public ProcessEnd? StopReason { get; private set; }

        public void Started(int processId) => _processId.TrySetResult(processId);

        public void RequestStop(ProcessEnd reason)
        {
            lock (_gate)
            {
                if (_finished || StopReason is not null)
                {
                    return;
                }

                StopReason = reason;
                _kill = Task.Run(KillAsync);
            }
        }

        public async Task FinishAsync()
        {
            Task? kill;
            lock (_gate)
            {
                _finished = true;
                kill = _kill;
            }

            _processId.TrySetResult(0);
            if (kill is not null)
            {
                await kill;
            }
        }

        private async Task KillAsync()
        {
            var processId = await _processId.Task;
            if (processId > 0)
            {
                killer.KillTree(processId, marker);
            }

            Forceful.Cancel();
        }
    }
}
