using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The command queue part of the storage contract. Every method is atomic; claims never hand one
/// command to two agents (no select-then-update race); every agent update checks the fencing token.
/// </summary>
public interface ICommandQueueStore
{
    /// <summary>
    /// Stores a new command. When it carries an idempotency key that its tenant used before, nothing is
    /// stored and the existing command is returned with Created = false.
    /// </summary>
    Task<(Command Command, bool Created)> EnqueueCommandAsync(Command command, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the other replicas a stored command is claimable now (PostgreSQL: NOTIFY), after the local wake-up so this
    /// replica's waiter does not wait for it. A store of one process has no one to tell.
    /// </summary>
    Task AnnounceCommandAsync(Command command, CancellationToken cancellationToken);

    Task<Command?> GetCommandAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ordered by (created, id).</summary>
    Task<IReadOnlyList<Command>> ListCommandsAsync(CommandQuery query, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <see cref="ClaimRequest.Max"/> eligible commands for the agent: each becomes claimed with
    /// Attempt + 1, FencingToken = the new attempt number, AgentId, HolderIdentity, ClaimedAt = now and
    /// Deadline = now + timeout. Returns them in claim order.
    /// </summary>
    Task<IReadOnlyList<Command>> ClaimCommandsAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>claimed -> running (running stays running). Needs the current token on an active command of this agent.</summary>
    Task<CommandUpdate> StartCommandAsync(CommandRef command, DateTimeOffset now, CancellationToken cancellationToken);

    Task<CommandUpdate> ReportProgressAsync(CommandRef command, int percent, string message, DateTimeOffset now, CancellationToken cancellationToken);

    Task<CommandUpdate> CompleteCommandAsync(CommandCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// The common completion with the caller's authentication in the same step: applied only when the key exists, its
    /// secret hash matches, it has not expired at <see cref="AgentKeyProof.Now"/>, its agent is neither revoked nor
    /// deregistered and holds the command with this fencing token (active, no cancel requested), and the outcome does
    /// not depend on the row (succeeded, canceled, failed and not retryable); it then changes the command as
    /// <see cref="CompleteCommandAsync"/> would. The key names the agent (the agent id of the completion's ref is not
    /// used). Returns the command and its agent, or null when anything else holds, or when the store has no such step:
    /// the caller then authenticates and completes the usual way, which gives the answer.
    /// </summary>
    Task<(Command Command, Agent Agent)?> TryCompleteWithKeyAsync(AgentKeyProof key, CommandCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// Idempotent. Queued -> canceled at once; claimed or running -> CancelRequested and StopRequested
    /// (the agent stops it and reports canceled); terminal: unchanged. Null when unknown.
    /// </summary>
    Task<Command?> CancelCommandAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// One pass over the queue, safe on several replicas at once:
    /// (1) active commands whose claim is gone (the agent's lease is not held, or is held by another holder
    /// than the claim's, or the agent is revoked or deregistered): canceled when a cancel was requested,
    /// failed when attempts are used up, else queued again (available now);
    /// (2) active commands past their deadline: failed ("timed out"), StopRequested;
    /// (3) queued commands whose ExpiresAt is not after now: expired.
    /// </summary>
    Task<CommandSweep> SweepCommandsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ids of the agent's commands with StopRequested that are active, or finished after <paramref name="finishedAfter"/>.</summary>
    Task<IReadOnlyList<string>> GetStopRequestsAsync(string agentId, DateTimeOffset finishedAfter, CancellationToken cancellationToken);

    /// <summary>Counts of non-terminal commands by tenant and status.</summary>
    Task<IReadOnlyList<QueueDepth>> GetQueueDepthAsync(CancellationToken cancellationToken);
}
