using LiteDB;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// The command queue. Writes run under the store's one lock, so a claim reads and changes its commands with no
/// other claim in between: no command is claimed twice. A claim reads each candidate tenant's queue in claim
/// order through the queue-key index and stops at the first eligible command, so it never reads the whole queue.
/// </summary>
public sealed partial class LiteDbControlPlaneStore
{
    private const string QueueKeyField = "$.queue_key";

    // One process per database file: its waiters were woken in-process.
    public Task AnnounceCommandAsync(Command command, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<(Command Command, bool Created)> EnqueueCommandAsync(Command command, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            // The key is unique per tenant: checked here, under the write lock (a unique index would refuse
            // the many commands without a key, which all index as null).
            if (CommandDocument.IdempotencyKeyOf(command.TenantId, command.IdempotencyKey) is { } key
                && _commands.FindOne(Equal("tenant_idempotency_key", key)) is { } existing)
            {
                return (existing.ToDomain(), false);
            }

            var document = CommandDocument.From(command);
            Insert(_commands, document, "command");
            // A tenant with work takes part in the fair share from now on; zero means never served.
            if (_queueState.FindById(command.TenantId) is null)
            {
                _queueState.Insert(new TenantQueueStateDocument { Id = command.TenantId });
            }

            return (document.ToDomain(), true);
        }, cancellationToken);

    public Task<Command?> GetCommandAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _commands.FindById(id)?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<Command>> ListCommandsAsync(CommandQuery query, PageRequest page, CancellationToken cancellationToken) =>
        Read(() => Page(_commands, page, c => c.ToDomain(),
            TenantFilter(query.TenantId),
            StatusFilter(query.Statuses),
            query.AgentId is null ? null : Equal("agent_id", query.AgentId)), cancellationToken);

    public Task<IReadOnlyList<Command>> ClaimCommandsAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<Command>>(() =>
        {
            var capabilities = request.Capabilities.ToHashSet(StringComparer.Ordinal);
            var claimed = new List<Command>();
            while (claimed.Count < request.Max && NextClaim(request, capabilities) is { } document)
            {
                document.Status = CommandStatus.Claimed;
                document.Attempt++;
                document.FencingToken = document.Attempt;
                document.AgentId = request.AgentId;
                document.HolderIdentity = request.HolderIdentity;
                document.ClaimedAt = request.Now;
                document.Deadline = request.Now.AddSeconds(document.TimeoutSeconds);
                document.StatusReason = "";
                Save(document);
                MarkServed(document.TenantId);
                claimed.Add(document.ToDomain());
            }

            return claimed;
        }, cancellationToken);

    public Task<CommandUpdate> StartCommandAsync(CommandRef command, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateActiveAsync(command, document =>
        {
            if (document.Status == CommandStatus.Claimed)
            {
                document.Status = CommandStatus.Running;
                document.StartedAt = now;
            }
        }, cancellationToken);

    public Task<CommandUpdate> ReportProgressAsync(CommandRef command, int percent, string message, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateActiveAsync(command, document =>
        {
            document.ProgressPercent = percent;
            document.ProgressMessage = message;
        }, cancellationToken);

    // LiteDB is in process: there is no round trip to save, so the caller authenticates and completes the usual way.
    public Task<(Command Command, Agent Agent)?> TryCompleteWithKeyAsync(AgentKeyProof key, CommandCompletion completion, CancellationToken cancellationToken) =>
        Task.FromResult<(Command, Agent)?>(null);

    public Task<CommandUpdate> CompleteCommandAsync(CommandCompletion completion, CancellationToken cancellationToken) =>
        UpdateActiveAsync(completion.Ref, document =>
        {
            document.ExitCode = completion.ExitCode;
            document.Summary = completion.Summary;
            document.Error = completion.Error;
            document.LogTail = completion.LogTail;
            document.FindingCount = completion.FindingCount;
            document.Truncated = completion.Truncated;
            if (document.CancelRequested)
            {
                Finish(document, CommandStatus.Canceled, "canceled", completion.Now);
                return;
            }

            switch (completion.Outcome)
            {
                case CommandStatus.Succeeded:
                    Finish(document, CommandStatus.Succeeded, "", completion.Now);
                    break;
                case CommandStatus.Canceled:
                    Finish(document, CommandStatus.Canceled, "canceled by the agent", completion.Now);
                    break;
                case CommandStatus.Failed when completion.Retryable && document.Attempt < document.MaxAttempts:
                    Requeue(document, completion.RetryAt, "retrying after a failure");
                    break;
                case CommandStatus.Failed:
                    Finish(document, CommandStatus.Failed, completion.Retryable ? "failed; attempts used up" : "failed", completion.Now);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(completion), completion.Outcome, "An attempt ends succeeded, failed or canceled.");
            }
        }, cancellationToken, clearsStopWhenEnded: true);

    public Task<Command?> CancelCommandAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var document = _commands.FindById(id);
            if (document is null)
            {
                return null;
            }

            if (document.Status == CommandStatus.Queued)
            {
                Finish(document, CommandStatus.Canceled, "canceled", now);
                Save(document);
            }
            else if (document.Status.IsActive() && !(document.CancelRequested && document.StopRequested))
            {
                document.CancelRequested = true;
                document.StopRequested = true;
                Save(document);
            }

            return document.ToDomain();
        }, cancellationToken);

    public Task<CommandSweep> SweepCommandsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            List<string> requeued = [], failedLeaseLost = [], canceledLeaseLost = [], timedOut = [], expired = [];
            var agents = new Dictionary<string, AgentDocument?>(StringComparer.Ordinal);
            var active = ByStatus(CommandStatus.Claimed).Concat(ByStatus(CommandStatus.Running))
                .OrderBy(c => c.Id, StringComparer.Ordinal)
                .ToList();
            foreach (var command in active)
            {
                // (1) The claim lives as long as the claiming holder keeps the agent's lease.
                if (!ClaimHeld(command, agents))
                {
                    if (command.CancelRequested)
                    {
                        Finish(command, CommandStatus.Canceled, "canceled; the agent lost its lease", now);
                        canceledLeaseLost.Add(command.Id);
                    }
                    else if (command.Attempt >= command.MaxAttempts)
                    {
                        Finish(command, CommandStatus.Failed, "lease lost; attempts used up", now);
                        failedLeaseLost.Add(command.Id);
                    }
                    else
                    {
                        Requeue(command, now, "lease lost; retrying");
                        requeued.Add(command.Id);
                    }

                    Save(command);
                }
                else if (command.Deadline < now)
                {
                    // (2) Past its timeout: failed, and the agent (still holding the claim) is told to stop.
                    Finish(command, CommandStatus.Failed, $"timed out after {command.TimeoutSeconds} s", now);
                    command.StopRequested = true;
                    Save(command);
                    timedOut.Add(command.Id);
                }
            }

            // (3) Queued work nobody claimed before it expired. The range starts at zero: absent keys index as null.
            var stale = _commands
                .Find(BsonExpression.Create("$.queued_expires_at BETWEEN @0 AND @1", new BsonValue(0L), new BsonValue(now.UtcTicks)))
                .OrderBy(c => c.Id, StringComparer.Ordinal)
                .ToList();
            foreach (var command in stale)
            {
                Finish(command, CommandStatus.Expired, "expired before an agent claimed it", now);
                Save(command);
                expired.Add(command.Id);
            }

            return new CommandSweep(requeued, failedLeaseLost, canceledLeaseLost, timedOut, expired);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> GetStopRequestsAsync(string agentId, DateTimeOffset finishedAfter, CancellationToken cancellationToken) =>
        Read(() => StopRequestsOf(agentId, finishedAfter), cancellationToken);

    public Task<IReadOnlyList<QueueDepth>> GetQueueDepthAsync(CancellationToken cancellationToken) =>
        Read<IReadOnlyList<QueueDepth>>(() =>
        {
            // Queued work can be deep: count it from the queue-key index alone (each key starts with its tenant id),
            // without loading a command. Claimed and running are bounded by the agents' slots.
            var depth = _commands.Query()
                .Where(BsonExpression.Create(QueueKeyField + " > @0", new BsonValue("")))
                .Select(QueueKeyField)
                .ToDocuments()
                .Select(row => row.Values.First().AsString)
                .GroupBy(key => key[..key.IndexOf(CommandDocument.QueueKeySeparator, StringComparison.Ordinal)], StringComparer.Ordinal)
                .Select(tenant => new QueueDepth(tenant.Key, CommandStatus.Queued, tenant.Count()))
                .ToList();
            foreach (var status in new[] { CommandStatus.Claimed, CommandStatus.Running })
            {
                depth.AddRange(ByStatus(status)
                    .GroupBy(c => c.TenantId, StringComparer.Ordinal)
                    .Select(tenant => new QueueDepth(tenant.Key, status, tenant.Count())));
            }

            return depth
                .OrderBy(d => d.TenantId, StringComparer.Ordinal)
                .ThenBy(d => d.Status)
                .ToList();
        }, cancellationToken);

    private void EnsureQueueIndexes()
    {
        _commands.EnsureIndex("queue_key", QueueKeyField);
        _commands.EnsureIndex("queued_expires_at", "$.queued_expires_at");
        _commands.EnsureIndex("status", "$.status");
        _commands.EnsureIndex("tenant_idempotency_key", "$.tenant_idempotency_key");
        _commands.EnsureIndex("agent_id", "$.agent_id");
        _commands.EnsureIndex("stop_agent_id", "$.stop_agent_id");
        _commands.EnsureIndex("tenant_id", "$.tenant_id");
        _commands.EnsureIndex(SortKey.Field, SortField);
        _queueState.EnsureIndex("last_served", "$.last_served");
    }

    /// <summary>
    /// The next command to claim: among the tenants the agent may serve, the least recently served one that has
    /// eligible work (never served first); among tenants served equally long ago (only the never-served), the
    /// lowest (sort key, id). Within a tenant, the first eligible command in claim order.
    /// </summary>
    private CommandDocument? NextClaim(ClaimRequest request, IReadOnlySet<string> capabilities)
    {
        if (request.TenantId is not null)
        {
            return FirstEligible(request.TenantId, request, capabilities);
        }

        var turns = _queueState.FindAll()
            .GroupBy(s => s.LastServed)
            .OrderBy(g => g.Key);
        foreach (var turn in turns)
        {
            var best = turn
                .Select(s => FirstEligible(s.Id, request, capabilities))
                .OfType<CommandDocument>()
                .MinBy(c => c.QueueKey![(c.TenantId.Length + 1)..], StringComparer.Ordinal);
            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>
    /// The tenant's first eligible command in claim order. The index range is that tenant's queued commands only,
    /// read lazily: the scan stops at the first match. The time, target and capability tests run inside LiteDB on
    /// the raw document, so work this agent cannot run is skipped without mapping it; the survivors are then
    /// matched against the whole selector in code (labels compared as pairs, ordinal).
    /// </summary>
    private CommandDocument? FirstEligible(string tenantId, ClaimRequest request, IReadOnlySet<string> capabilities)
    {
        var now = new BsonValue(request.Now.UtcTicks);
        return _commands.Query()
            .Where(BsonExpression.Create(QueueKeyField + " BETWEEN @0 AND @1",
                new BsonValue(CommandDocument.QueuePrefix(tenantId)), new BsonValue(CommandDocument.QueueUpperBound(tenantId))))
            .Where(BsonExpression.Create("$.available_at <= @0", now))
            .Where(BsonExpression.Create("$.expires_at > @0", now))
            .Where(BsonExpression.Create("($.target_agent_id = null OR $.target_agent_id = @0)", new BsonValue(request.AgentId)))
            .Where(BsonExpression.Create("$.required_capabilities[*] ALL IN @0", new BsonArray(capabilities.Select(c => new BsonValue(c)))))
            .OrderBy(QueueKeyField)
            .ToEnumerable()
            .FirstOrDefault(c => c.TenantId == tenantId && c.SelectorMatches(request.Labels, capabilities));
    }

    private IReadOnlyList<string> StopRequestsOf(string agentId, DateTimeOffset finishedAfter) =>
        _commands.Find(Equal("stop_agent_id", agentId))
            .Where(c => c.Status.IsActive() || c.FinishedAt > finishedAfter)
            .Select(c => c.Id)
            .Order(StringComparer.Ordinal)
            .ToList();

    private void MarkServed(string tenantId)
    {
        var last = _queueState.Query().OrderByDescending("$.last_served").Limit(1).FirstOrDefault()?.LastServed ?? 0;
        _queueState.Upsert(new TenantQueueStateDocument { Id = tenantId, LastServed = last + 1 });
    }

    /// <summary>Whether the holder that claimed the command still holds its live agent's lease.</summary>
    private bool ClaimHeld(CommandDocument command, Dictionary<string, AgentDocument?> agents)
    {
        if (command.AgentId is null)
        {
            return false;
        }

        if (!agents.TryGetValue(command.AgentId, out var agent))
        {
            agent = _agents.FindById(command.AgentId);
            agents[command.AgentId] = agent;
        }

        return agent is { DeregisteredAt: null, RevokedAt: null, Lease.Held: true }
            && agent.Lease.HolderIdentity == command.HolderIdentity;
    }

    /// <summary>
    /// Applies <paramref name="change"/> when the reference names an active command of its agent with the
    /// current token. Otherwise nothing changes: NotFound for a missing or foreign command, Stale for an old
    /// token or an ended command. One exception: the agent's completion of a command that ended under it
    /// (timed out) with its current token tells that the agent stopped it, so its stop request is cleared.
    /// </summary>
    private Task<CommandUpdate> UpdateActiveAsync(CommandRef reference, Action<CommandDocument> change, CancellationToken cancellationToken,
        bool clearsStopWhenEnded = false) =>
        WriteAsync(() =>
        {
            var document = _commands.FindById(reference.CommandId);
            if (document is null || document.AgentId != reference.AgentId)
            {
                return new CommandUpdate(CommandUpdateOutcome.NotFound, null);
            }

            if (document.FencingToken != reference.FencingToken || !document.Status.IsActive())
            {
                if (clearsStopWhenEnded && document.FencingToken == reference.FencingToken && document.StopRequested)
                {
                    document.StopRequested = false;
                    Save(document);
                }

                return new CommandUpdate(CommandUpdateOutcome.Stale, document.ToDomain());
            }

            change(document);
            Save(document);
            return new CommandUpdate(CommandUpdateOutcome.Applied, document.ToDomain());
        }, cancellationToken);

    private void Save(CommandDocument document)
    {
        document.Reindex();
        _commands.Update(document);
    }

    private IEnumerable<CommandDocument> ByStatus(CommandStatus status) => _commands.Find(StatusEqual(status));

    private static void Finish(CommandDocument document, CommandStatus status, string reason, DateTimeOffset now)
    {
        document.Status = status;
        document.StatusReason = reason;
        document.FinishedAt = now;
        document.StopRequested = false;
    }

    /// <summary>Back to the queue for another attempt, ordered as fresh work available at <paramref name="availableAt"/>.</summary>
    private static void Requeue(CommandDocument document, DateTimeOffset availableAt, string reason)
    {
        document.Status = CommandStatus.Queued;
        document.StatusReason = reason;
        document.AvailableAt = availableAt;
        document.ClaimSortKey = Command.ComputeSortKey(availableAt, document.Priority);
        document.HolderIdentity = null;
        document.StopRequested = false;
    }

    // The mapper stores enums by name.
    private static BsonExpression StatusEqual(CommandStatus status) =>
        BsonExpression.Create("$.status = @0", new BsonValue(status.ToString()));

    private static BsonExpression? StatusFilter(IReadOnlyCollection<CommandStatus>? statuses) =>
        statuses is null || statuses.Count == 0
            ? null
            : BsonExpression.Create("$.status IN @0", new BsonArray(statuses.Distinct().Select(s => new BsonValue(s.ToString()))));
}
