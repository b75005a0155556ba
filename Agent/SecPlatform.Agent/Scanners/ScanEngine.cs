using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners.Catalog;
using SecPlatform.Agent.Scanners.Execution;

namespace SecPlatform.Agent.Scanners;

/// <summary>
/// The agent-local scanning engine, what the command loop calls: <see cref="RunAsync(ScanRequest, CancellationToken)"/>
/// takes a scanner id and the parameters the control plane sent, and always answers with a <see cref="ScanRun"/>
/// (it does not throw for refusals or scanner failures; only the caller's cancellation ends it early, as a
/// <see cref="ScanOutcome.Canceled"/> run). In order, nothing executed until the last step:
/// <list type="number">
/// <item>the scanner must be in the agent's catalog and allowed by the local policy (read at every call, so a
/// narrowed policy applies at once), and its executable installed;</item>
/// <item>the parameters are checked by <see cref="ScanTargetValidator"/> (syntax, allowed roots and real paths,
/// allowed networks and ports; names resolved once);</item>
/// <item>the entry builds its argument array from the validated target (or decides there is nothing to scan);</item>
/// <item><see cref="ScannerRunner"/> runs it with a timeout, output caps and process-tree kill, then parses.</item>
/// </list>
/// Logs carry ids, outcomes and counts, never findings, evidence or the log tail.
/// </summary>
public sealed class ScanEngine(
    AgentScannerCatalog catalog,
    IAgentPolicySource policySource,
    ScanTargetValidator validator,
    ScannerRunner runner,
    ExecutableLocator locator,
    string agentHost,
    TimeProvider timeProvider,
    ILogger<ScanEngine>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ScanEngine>.Instance;

    public AgentScannerCatalog Catalog => catalog;

    /// <summary>The engine as the daemon uses it: the real catalog (plus the test hook's entries), DNS, the OS's process-tree killer.</summary>
    public static ScanEngine Create(
        IAgentPlatform platform,
        Func<string, string?> getEnvironmentVariable,
        IAgentPolicySource policySource,
        string agentHost,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var catalog = AgentScannerCatalog.Create(platform, getEnvironmentVariable, loggerFactory.CreateLogger<AgentScannerCatalog>());
        var process = new ScannerProcess(ProcessTreeKillers.Current, timeProvider, loggerFactory.CreateLogger<ScannerProcess>());
        return new ScanEngine(
            catalog,
            policySource,
            new ScanTargetValidator(platform, new DnsHostResolver(), timeProvider),
            new ScannerRunner(process, loggerFactory.CreateLogger<ScannerRunner>()),
            new ExecutableLocator(platform, getEnvironmentVariable),
            agentHost,
            timeProvider,
            loggerFactory.CreateLogger<ScanEngine>());
    }

    /// <summary>Catalog scanners that are installed and allowed by the local policy now.</summary>
    public IReadOnlyList<string> RunnableScanners()
    {
        var policy = policySource.Current();
        return [.. catalog.Entries.Where(entry => policy.AllowsScanner(entry.Id) && ResolveExecutable(entry) is not null).Select(entry => entry.Id)];
    }

    public Task<ScanRun> RunAsync(string commandId, string scannerId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) =>
        RunAsync(new ScanRequest(commandId, scannerId, parameters), cancellationToken);

    public async Task<ScanRun> RunAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetUtcNow();
        var started = timeProvider.GetTimestamp();
        ScanRun Refused(string reason, ScanScope? scope = null)
        {
            _logger.LogWarning("Scan {CommandId} with {Scanner} refused: {Reason}", request.CommandId, Printable(request.ScannerId), reason);
            return new ScanRun(request.CommandId, request.ScannerId, ScanOutcome.Refused, startedAt, timeProvider.GetElapsedTime(started), null, false,
                ParseStatus.NotParsed, [], "", reason, false, [], scope);
        }

        var entry = catalog.Find(request.ScannerId);
        if (entry is null)
        {
            return Refused($"this agent's catalog has no scanner '{Printable(request.ScannerId)}'");
        }

        var policy = policySource.Current();
        if (!policy.AllowsScanner(entry.Id))
        {
            return Refused($"the local policy does not allow scanner {entry.Id} (allowed: {string.Join(", ", policy.Scanners ?? [])})");
        }

        var executable = ResolveExecutable(entry);
        if (executable is null)
        {
            return Refused($"{entry.Id} is not installed on this agent ({entry.Executable} not found)");
        }

        TargetValidation validation;
        try
        {
            validation = await validator.ValidateAsync(entry.Spec, request.Parameters, policy, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ScanRun(request.CommandId, entry.Id, ScanOutcome.Canceled, startedAt, timeProvider.GetElapsedTime(started), null, false,
                ParseStatus.NotParsed, [], "", "canceled before the scanner started", true, [], null);
        }

        if (validation.Target is not { } target)
        {
            return Refused(validation.Refusal!);
        }

        var scope = new ScanScope(agentHost, target.Path, target.Host, target.Address?.ToString(), target.PortList);
        ScanPlan plan;
        try
        {
            plan = entry.Plan(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The target changed under us (a directory removed while its scripts were listed).
            _logger.LogWarning("Scan {CommandId} with {Scanner} could not be planned: {Reason}", request.CommandId, entry.Id, e.Message);
            return new ScanRun(request.CommandId, entry.Id, ScanOutcome.Failed, startedAt, timeProvider.GetElapsedTime(started), null, false,
                ParseStatus.NotParsed, [], "", $"the target could not be read: {e.Message}", true, [], scope);
        }

        if (plan.Refusal is not null)
        {
            return Refused(plan.Refusal, scope);
        }

        if (plan.SkipReason is not null)
        {
            _logger.LogInformation("Scan {CommandId} with {Scanner}: nothing to scan ({Reason})", request.CommandId, entry.Id, plan.SkipReason);
            return new ScanRun(request.CommandId, entry.Id, ScanOutcome.Succeeded, startedAt, timeProvider.GetElapsedTime(started), null, false,
                ParseStatus.Complete, [], "", null, false, [plan.SkipReason], scope);
        }

        var timeout = request.Timeout is { } requested && requested > TimeSpan.Zero
            ? (requested < entry.MaxTimeout ? requested : entry.MaxTimeout)
            : entry.DefaultTimeout;
        var parseContext = new ParseContext(entry.Id, agentHost, plan.WorkingDirectory!, target.Host);
        _logger.LogInformation("Scan {CommandId} starting {Scanner} ({Executable}, {ArgumentCount} arguments, timeout {Timeout})",
            request.CommandId, entry.Id, executable, plan.Arguments!.Count, timeout);

        var run = await runner.RunAsync(request, entry, executable, plan, target, parseContext, scope, timeout, startedAt, cancellationToken);
        _logger.LogInformation(
            "Scan {CommandId} with {Scanner} ended {Outcome}: exit {ExitCode}, {FindingCount} findings, parse {ParseStatus}, truncated {Truncated}, {DurationMs} ms{Reason}",
            request.CommandId, entry.Id, run.Outcome, run.ExitCode, run.Findings.Count, run.ParseStatus, run.Truncated,
            (long)run.Duration.TotalMilliseconds, run.FailureReason is null ? "" : ": " + run.FailureReason);
        return run;
    }

    private string? ResolveExecutable(ScannerEntry entry) =>
        Path.IsPathFullyQualified(entry.Executable)
            ? (File.Exists(entry.Executable) ? entry.Executable : null)
            : locator.Find(entry.Executable);

    // Ids from the control plane go into messages and logs: keep them short and printable.
    private static string Printable(string text)
    {
        var clean = new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 64 ? clean + "..." : clean;
    }
}
