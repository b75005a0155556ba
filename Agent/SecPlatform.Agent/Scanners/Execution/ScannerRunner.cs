using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Scanners.Catalog;

namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// Runs a planned scan and says what it meant: executes the entry's plan with <see cref="ScannerProcess"/>, reads
/// the exit code the entry's way, parses the capped output with the entry's parser, and folds it all into a
/// <see cref="ScanRun"/> (outcome, exit code, duration, truncated flag, parse status, findings, log tail, reason,
/// retryable).
/// </summary>
public sealed class ScannerRunner(ScannerProcess process, ILogger<ScannerRunner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ScannerRunner>.Instance;

    public async Task<ScanRun> RunAsync(
        ScanRequest request,
        ScannerEntry entry,
        string executable,
        ScanPlan plan,
        ScanTarget target,
        ParseContext parseContext,
        ScanScope scope,
        TimeSpan timeout,
        DateTimeOffset startedAt,
        CancellationToken cancellationToken)
    {
        var result = await process.RunAsync(executable, plan.Arguments!, plan.WorkingDirectory!, timeout, entry.Limits, cancellationToken);
        if (plan.OutputFile is { } outputFile)
        {
            result = ReadOutputFile(result, outputFile, entry.Limits);
        }

        var warnings = new List<string>();
        if (plan.TruncationNote is not null)
        {
            warnings.Add(plan.TruncationNote);
        }

        if (result.StderrTruncated)
        {
            warnings.Add($"stderr went past its {entry.Limits.MaxStderrBytes} byte cap; the rest was discarded");
        }

        if (result.LeftoversKilled > 0)
        {
            warnings.Add($"{result.LeftoversKilled} process(es) the scanner left running were killed");
        }

        var truncated = result.StdoutTruncated || result.StderrTruncated || plan.TruncationNote is not null;
        IReadOnlyList<ScannedComponent> components = [];
        ScanRun Finish(ScanOutcome outcome, ParseStatus status, IReadOnlyList<NormalizedFinding> findings, string? reason, bool retryable) =>
            new(request.CommandId, entry.Id, outcome, startedAt, result.Duration, result.ExitCode, truncated, status, findings,
                result.LogTail, reason, retryable, warnings, scope) { Components = components };

        switch (result.End)
        {
            case ProcessEnd.FailedToStart:
                return Finish(ScanOutcome.Failed, ParseStatus.NotParsed, [], $"{entry.Id} could not be started ({executable}): {result.StartError}", false);
            case ProcessEnd.Canceled:
                return Finish(ScanOutcome.Canceled, ParseStatus.NotParsed, [], $"{entry.Id} was canceled; it and its child processes were killed", true);
            case ProcessEnd.TimedOut:
                return Finish(ScanOutcome.TimedOut, ParseStatus.NotParsed, [], $"{entry.Id} ran past its {timeout.TotalSeconds:0} s timeout; it and its child processes were killed", true);
        }

        var verdict = result.End == ProcessEnd.Exited ? entry.ExitCodes.Interpret(entry.Id, result.ExitCode!.Value) : default;
        ParsedOutput parsed;
        if (result.StandardOutput.IsEmpty && !verdict.Succeeded)
        {
            parsed = new ParsedOutput(ParseStatus.NotParsed, []);
        }
        else
        {
            parsed = Parse(entry, target, result, parseContext);
        }

        if (parsed.Problem is not null)
        {
            warnings.Add(parsed.Problem);
        }

        components = parsed.Components ?? [];

        if (result.End == ProcessEnd.OutputCapExceeded)
        {
            return Finish(ScanOutcome.Failed, parsed.Status, parsed.Findings,
                $"{entry.Id} printed more than the {entry.Limits.MaxStdoutBytes} byte output cap; it was stopped and its output parsed as far as it went", false);
        }

        if (!verdict.Succeeded)
        {
            return Finish(ScanOutcome.Failed, parsed.Status, parsed.Findings, verdict.Reason, verdict.Retryable);
        }

        if (parsed.Status == ParseStatus.Failed)
        {
            return Finish(ScanOutcome.Failed, parsed.Status, parsed.Findings, $"{entry.Id} output could not be read: {parsed.Problem}", false);
        }

        if (parsed.ToolError is not null)
        {
            return Finish(ScanOutcome.Failed, parsed.Status, parsed.Findings, parsed.ToolError, false);
        }

        return Finish(ScanOutcome.Succeeded, parsed.Status, parsed.Findings, null, false);
    }

    /// <summary>
    /// The scanner's result file in place of its stdout (which then only feeds the log tail), capped at the stdout cap,
    /// and the file deleted whatever happened: it was the agent's own temporary file.
    /// </summary>
    private ProcessResult ReadOutputFile(ProcessResult result, string outputFile, OutputLimits limits)
    {
        try
        {
            if (result.End != ProcessEnd.Exited || !File.Exists(outputFile))
            {
                return result with { StandardOutput = ReadOnlyMemory<byte>.Empty, StdoutTruncated = false };
            }

            using var stream = new FileStream(outputFile, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = (int)Math.Min(stream.Length, limits.MaxStdoutBytes);
            var buffer = new byte[length];
            stream.ReadExactly(buffer);
            return result with { StandardOutput = buffer, StdoutTruncated = stream.Length > limits.MaxStdoutBytes };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("The result file of the scan could not be read: {Reason}", e.Message);
            return result with { StandardOutput = ReadOnlyMemory<byte>.Empty, StdoutTruncated = false };
        }
        finally
        {
            try
            {
                File.Delete(outputFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("The result file {File} could not be deleted: {Reason}", outputFile, e.Message);
            }
        }
    }

    private ParsedOutput Parse(ScannerEntry entry, ScanTarget target, ProcessResult result, ParseContext context)
    {
        try
        {
            return entry.CreateParser(target).Parse(result.StandardOutput, result.StdoutTruncated, context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Parsers are written not to throw; a bug must fail the run, not the agent.
            _logger.LogError(e, "The {Scanner} parser failed", entry.Id);
            return ParsedOutput.Failed($"the parser failed ({e.GetType().Name})");
        }
    }
}
