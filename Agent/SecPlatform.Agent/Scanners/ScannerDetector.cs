using System.ComponentModel;
using System.Text;
using CliWrap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecPlatform.Agent.Scanners;

/// <summary>
/// Finds which supported scanners are installed: each one's executable is looked up on PATH and run
/// with its version arguments (no shell, bounded time and output). A missing or failing tool is simply
/// not a capability.
/// </summary>
public sealed class ScannerDetector(
    IReadOnlyList<ScannerVersionProbe> probes,
    ExecutableLocator locator,
    TimeProvider timeProvider,
    ILogger<ScannerDetector>? logger = null)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Version output beyond this is ignored: the version is on the first lines.</summary>
    public const int MaxOutputChars = 16 * 1024;

    private readonly ILogger _logger = logger ?? NullLogger<ScannerDetector>.Instance;

    /// <summary>Probes every scanner in parallel; the result is ordered by scanner id.</summary>
    public async Task<IReadOnlyList<ScannerCapability>> DetectAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(probes.Select(probe => DetectAsync(probe, cancellationToken)));
        return [.. results.OfType<ScannerCapability>().OrderBy(capability => capability.Scanner, StringComparer.Ordinal)];
    }

    private async Task<ScannerCapability?> DetectAsync(ScannerVersionProbe probe, CancellationToken cancellationToken)
    {
        var executable = locator.Find(probe.Executable);
        if (executable is null)
        {
            _logger.LogDebug("Scanner {Scanner} not found on PATH", probe.ScannerId);
            return null;
        }

        var standardOutput = new BoundedText(MaxOutputChars);
        var standardError = new BoundedText(MaxOutputChars);
        using var timeout = new CancellationTokenSource(ProbeTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await CliWrap.Cli.Wrap(executable)
                .WithArguments(probe.Arguments)
                .WithValidation(CommandResultValidation.None)
                .WithStandardInputPipe(PipeSource.Null)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(standardOutput.AppendLine))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(standardError.AppendLine))
                .ExecuteAsync(linked.Token);

            if (result.ExitCode != 0)
            {
                _logger.LogInformation("Scanner {Scanner} at {Path} exited with {ExitCode} when asked for its version; not offered", probe.ScannerId, executable, result.ExitCode);
                return null;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Scanner {Scanner} at {Path} did not print its version within {Timeout}; not offered", probe.ScannerId, executable, ProbeTimeout);
            return null;
        }
        catch (Win32Exception e)
        {
            _logger.LogWarning("Scanner {Scanner} at {Path} could not be started: {Reason}; not offered", probe.ScannerId, executable, e.Message);
            return null;
        }

        // Tools print their version on stdout; stderr is a fallback, read apart so warnings cannot get in the way.
        var version = probe.ParseVersion(standardOutput.ToString()) ?? probe.ParseVersion(standardError.ToString());
        if (version is null)
        {
            _logger.LogWarning("Scanner {Scanner} at {Path} printed no version this agent understands; not offered", probe.ScannerId, executable);
            return null;
        }

        _logger.LogDebug("Scanner {Scanner} {Version} found at {Path}", probe.ScannerId, version, executable);
        return new ScannerCapability(probe.ScannerId, version);
    }

    // Keeps the first MaxOutputChars of a pipe and drops the rest (the pipe is still drained).
    private sealed class BoundedText(int capacity)
    {
        private readonly StringBuilder _text = new();

        public void AppendLine(string line)
        {
            var room = capacity - _text.Length;
            if (room > 0)
            {
                _text.Append(line.Length < room ? line + "\n" : line[..room]);
            }
        }

        public override string ToString() => _text.ToString();
    }
}
