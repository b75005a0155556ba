using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The agent's side of the queue: long-poll claims, start, progress, completion; every update fenced.</summary>
public sealed class AgentCommandService(
    ICommandQueueStore queue,
    IFindingStore findings,
    ComponentService components,
    CommandSignal signal,
    TimeProvider time,
    IOptions<QueueOptions> options,
    ILogger<AgentCommandService> logger)
{
    public const int MaxLogTailBytes = 16 * 1024;
    private readonly QueueOptions _options = options.Value;

    /// <summary>
    /// Claims what the agent may run, waiting up to <paramref name="waitSeconds"/> for work to appear. The wait
    /// is wall-clock pacing (not domain time), so it uses a stopwatch rather than the injected clock.
    /// </summary>
    public async Task<PullResult> PullAsync(AgentWithLease caller, int maxCommands, int waitSeconds, CancellationToken cancellationToken)
    {
        if (maxCommands is < 1 or > 100)
        {
            throw DomainException.Invalid("max_commands must be between 1 and 100");
        }

        if (waitSeconds < 0 || waitSeconds > _options.MaxWaitSeconds)
        {
            throw DomainException.Invalid($"wait_seconds must be between 0 and {_options.MaxWaitSeconds}");
        }

        var (agent, lease) = (caller.Agent, caller.Lease);
        if (!lease.Held || lease.HolderIdentity is null)
        {
            throw new DomainException(ErrorKind.FailedPrecondition, "this agent holds no lease: renew it (acquire) before pulling commands");
        }

        var wait = TimeSpan.FromSeconds(waitSeconds);
        var clock = Stopwatch.StartNew();
        var takesWork = !agent.Cordoned && !agent.Draining && agent.RevokedAt is null;
        var scanners = agent.Capabilities.Select(c => c.Scanner).ToHashSet(StringComparer.Ordinal);
        var request = new ClaimRequest(agent.Id, agent.TenantId, agent.Labels, scanners, lease.HolderIdentity, maxCommands, default);
        // Registered before the first look, so a command committed after that look started still wakes this poll. An
        // agent that takes no work is not a waiter: no enqueue can give it anything before its wait is up.
        using var waiter = takesWork ? signal.Register(agent.TenantId, agent.Id, agent.Labels, scanners) : null;
        while (true)
        {
            waiter?.BeginLook();
            // When this look returns whatever the claim finds (no wait left), the stop requests are read alongside the
            // claim rather than after it: a claim never touches the commands the agent already holds.
            var lastLook = wait - clock.Elapsed <= TimeSpan.Zero;
            var stopRequests = lastLook ? StopRequestsAsync(agent.Id, cancellationToken) : null;
            if (waiter is not null)
            {
                var claimed = await queue.ClaimCommandsAsync(request with { Now = time.GetUtcNow() }, cancellationToken);
                // The wakes this look answered: used, or passed on to another waiter (the poll's end passes on the rest).
                waiter.Settle(claimed);
                if (claimed.Count > 0)
                {
                    foreach (var command in claimed)
                    {
                        logger.LogDebug("Command {CommandId} ({Scanner}) claimed by agent {AgentId}, attempt {Attempt}",
                            command.Id, command.Scanner, agent.Id, command.Attempt);
                    }

                    return new PullResult(claimed, await (stopRequests ?? StopRequestsAsync(agent.Id, cancellationToken)));
                }
            }

            var remaining = wait - clock.Elapsed;
            if (lastLook || remaining <= TimeSpan.Zero)
            {
                return new PullResult([], await (stopRequests ?? StopRequestsAsync(agent.Id, cancellationToken)));
            }

            if (waiter is null)
            {
                await Task.Delay(remaining, cancellationToken);
                continue;
            }

            await waiter.WaitAsync(remaining, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public Task<IReadOnlyList<string>> StopRequestsAsync(string agentId, CancellationToken cancellationToken) =>
        queue.GetStopRequestsAsync(agentId, StopNoticeAfter(), cancellationToken);

    /// <summary>Stop requests of commands that finished after this are still told to the agent.</summary>
    public DateTimeOffset StopNoticeAfter() => time.GetUtcNow().AddSeconds(-_options.StopNoticeSeconds);

    public async Task<Command> StartAsync(AgentWithLease caller, string? commandId, long fencingToken, CancellationToken cancellationToken)
    {
        var update = await queue.StartCommandAsync(Ref(caller, commandId, fencingToken), time.GetUtcNow(), cancellationToken);
        return Check(update, commandId!);
    }

    public async Task<Command> ReportProgressAsync(AgentWithLease caller, string? commandId, long fencingToken, int percent, string? message,
        CancellationToken cancellationToken)
    {
        if (percent is < 0 or > 100)
        {
            throw DomainException.Invalid("percent must be between 0 and 100");
        }

        var text = Truncate(Strip(message), 500);
        var update = await queue.ReportProgressAsync(Ref(caller, commandId, fencingToken), percent, text, time.GetUtcNow(), cancellationToken);
        return Check(update, commandId!);
    }

    public async Task<Command> CompleteAsync(AgentWithLease caller, string? commandId, long fencingToken, CommandStatus outcome, bool retryable,
        int exitCode, string? summary, string? error, string? logTail, long findingCount, bool truncated, long componentCount,
        CancellationToken cancellationToken)
    {
        if (outcome is not (CommandStatus.Succeeded or CommandStatus.Failed or CommandStatus.Canceled))
        {
            throw DomainException.Invalid("outcome must be succeeded, failed or canceled");
        }

        if (findingCount < 0)
        {
            throw DomainException.Invalid("finding_count must not be negative");
        }

        if (componentCount < 0)
        {
            throw DomainException.Invalid("component_count must not be negative");
        }

        var commandRef = Ref(caller, commandId, fencingToken);
        // The command is read first only when something depends on it: the delivered findings and components, and the
        // back-off of a retry (its attempt). The common clean completion goes straight to the store's transaction.
        var needsCurrent = findingCount > 0 || componentCount > 0 || (outcome == CommandStatus.Failed && retryable);
        var current = needsCurrent ? await queue.GetCommandAsync(commandRef.CommandId, cancellationToken) : null;
        if (current is not null && current.AgentId == caller.Agent.Id && current.FencingToken == fencingToken && findingCount > 0)
        {
            // A completion counts only once every finding it announces is committed: the agent sends its outbox first.
            var committed = await findings.CountObservedAsync(current.Id, current.Attempt, cancellationToken);
            if (committed < findingCount)
            {
                throw new DomainException(ErrorKind.FailedPrecondition,
                    $"{committed} of the run's {findingCount} findings are committed; deliver the rest before completing");
            }
        }

        if (current is not null && current.AgentId == caller.Agent.Id && current.FencingToken == fencingToken)
        {
            await components.RequireDeliveredAsync(current, componentCount, cancellationToken);
        }

        var now = time.GetUtcNow();
        var retryAt = now + _options.RetryDelay(current?.Attempt ?? 1);
        var completion = Completion(commandRef, outcome, retryable, exitCode, summary, error, logTail, findingCount, truncated, now, retryAt);
        var command = Check(await queue.CompleteCommandAsync(completion, cancellationToken), commandRef.CommandId);
        await AfterCompletionAsync(command, caller.Agent, outcome, now, cancellationToken);
        return command;
    }

    /// <summary>
    /// The common completion with its authentication in one store step (<see cref="ICommandQueueStore.TryCompleteWithKeyAsync"/>,
    /// docs/adr/0003): an outcome that does not depend on the row and nothing delivered to check. Null when it did not
    /// apply, for whatever reason (including a refused key): the caller then authenticates and calls
    /// <see cref="CompleteAsync"/>, which answers every other case as before.
    /// </summary>
    public async Task<Command?> TryCompleteWithKeyAsync(AgentKeyProof key, string? commandId, long fencingToken, CommandStatus outcome,
        bool retryable, int exitCode, string? summary, string? error, string? logTail, long findingCount, bool truncated, long componentCount,
        CancellationToken cancellationToken)
    {
        var plain = outcome is CommandStatus.Succeeded or CommandStatus.Canceled || (outcome == CommandStatus.Failed && !retryable);
        if (!plain || findingCount != 0 || componentCount != 0 || fencingToken <= 0 || !Contracts.Secrets.SecretToken.IsValidId(commandId))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var completion = Completion(new CommandRef(commandId!, "", fencingToken), outcome, retryable, exitCode, summary, error, logTail, 0, truncated,
            now, now);
        if (await queue.TryCompleteWithKeyAsync(key, completion, cancellationToken) is not var (command, agent))
        {
            return null;
        }

        AgentAuthenticator.Accepted(agent);
        await AfterCompletionAsync(command, agent, outcome, now, cancellationToken);
        return command;
    }

    // The agent's texts as stored: control characters stripped, each cut to its limit (the log tail keeps its end).
    private static CommandCompletion Completion(CommandRef command, CommandStatus outcome, bool retryable, int exitCode, string? summary,
        string? error, string? logTail, long findingCount, bool truncated, DateTimeOffset now, DateTimeOffset retryAt) =>
        new(command, outcome, retryable, exitCode, Truncate(Strip(summary), 1000), Truncate(Strip(error), 4000),
            TruncateStart(logTail ?? "", MaxLogTailBytes), findingCount, truncated, now, retryAt);

    private async Task AfterCompletionAsync(Command command, Agent agent, CommandStatus outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        logger.LogDebug("Command {CommandId} attempt {Attempt} ended {Outcome} on agent {AgentId}: now {Status}",
            command.Id, command.Attempt, outcome.Word(), agent.Id, command.Status.Word());
        if (command.Status == CommandStatus.Succeeded && !command.Truncated)
        {
            await ResolveUnseenAsync(command, agent, now, cancellationToken);
            await components.ReplaceAsync(command, agent, cancellationToken);
        }
    }

    /// <summary>
    /// A complete, successful run resolves the findings of its scope it no longer reports. This runs right after the
    /// completion is committed, in its own transaction: the completion stands whatever happens here (the agent must
    /// not retry it), so a failure is logged and the findings stay as they were until the next clean run.
    /// </summary>
    private async Task ResolveUnseenAsync(Command command, Agent agent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (FindingScope.Of(command, agent, now) is not { } scope)
        {
            return;
        }

        try
        {
            var resolved = await findings.ResolveUnseenAsync(scope, cancellationToken);
            // Information only when something changed: a line per clean completion is CPU on the hot path at fleet rates.
            logger.Log(resolved > 0 ? LogLevel.Information : LogLevel.Debug,"Command {CommandId} resolved {ResolvedCount} findings of {Scanner} on {Host}",
                command.Id, resolved, scope.Scanner, scope.Host);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Command {CommandId}: resolving the findings it no longer reports failed", command.Id);
        }
    }

    private static CommandRef Ref(AgentWithLease caller, string? commandId, long fencingToken)
    {
        var id = Validate.Id("command_id", commandId);
        if (fencingToken <= 0)
        {
            throw DomainException.Invalid("fencing_token is required (the token of the claim)");
        }

        return new CommandRef(id, caller.Agent.Id, fencingToken);
    }

    private static Command Check(CommandUpdate update, string commandId) => update.Outcome switch
    {
        CommandUpdateOutcome.Applied => update.Command!,
        CommandUpdateOutcome.NotFound => throw DomainException.NotFound("command", commandId),
        _ => throw new DomainException(ErrorKind.FailedPrecondition,
            $"stale fencing token for command {commandId}: it was reassigned or has ended ({update.Command?.Status.Word() ?? "gone"}); drop this attempt's work"),
    };

    // Scanner output is data: keep it, but without control characters other than line breaks and tabs.
    private static string Strip(string? text) =>
        string.IsNullOrEmpty(text) ? "" : new string(text.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t').ToArray());

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static string TruncateStart(string text, int max) => text.Length <= max ? Strip(text) : Strip(text[^max..]);
}
