using Microsoft.Extensions.Options;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.State;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Outbox;

/// <summary>
/// The durable outbox in <c>agent.db</c>: a finished run's findings (in batches) and its completion are recorded in
/// one transaction before anything is sent; the sender deletes each batch once acknowledged and each completion once
/// the control plane took it. When it holds <see cref="OutboxOptions.MaxPendingFindings"/> findings or
/// <see cref="OutboxOptions.MaxPendingBytes"/> bytes, <see cref="FullReason"/> says so and the agent takes no new work:
/// findings are never dropped to make room. Only this process writes the outbox, so its totals are kept in memory
/// between changes: the command loop asks before every pull, and an idle agent should not open the file for it.
/// </summary>
public sealed class AgentOutbox(AgentStateStore store, IOptions<OutboxOptions> options, TimeProvider timeProvider)
{
    private readonly OutboxOptions _options = options.Value;
    private readonly Lock _gate = new();
    private OutboxTotals? _totals;

    /// <summary>Set when a run was recorded: something new to send.</summary>
    public AsyncPulse Recorded { get; } = new();

    /// <summary>Set when something left the outbox: there may be room for work again.</summary>
    public AsyncPulse Freed { get; } = new();

    /// <summary>
    /// Records a finished run. The completion's finding and component counts become the numbers of distinct findings
    /// and components kept.
    /// </summary>
    public OutboxRecording Record(string commandId, long fencingToken, IReadOnlyList<NormalizedFinding> findings, OutboxCompletion completion,
        IReadOnlyList<ScannedComponent>? components = null)
    {
        var batches = FindingBatcher.Split(commandId, fencingToken, findings, _options.MaxBatchFindings, _options.MaxBatchBytes, components);
        var count = batches.Sum(batch => batch.Findings.Count);
        var componentCount = batches.Sum(batch => batch.Components.Count);
        store.RecordOutboxRun(batches, completion with { FindingCount = count, ComponentCount = componentCount, RecordedAt = timeProvider.GetUtcNow() });
        Changed();
        Recorded.Set();
        return new OutboxRecording(batches.Count, count);
    }

    public OutboxTotals Totals()
    {
        lock (_gate)
        {
            return _totals ??= store.GetOutboxTotals();
        }
    }

    /// <summary>Why no new work may be taken (the outbox is full), or null when there is room.</summary>
    public string? FullReason()
    {
        var totals = Totals();
        if (totals.Findings >= _options.MaxPendingFindings)
        {
            return $"the outbox holds {totals.Findings} undelivered findings (limit {_options.MaxPendingFindings})";
        }

        return totals.Bytes >= _options.MaxPendingBytes
            ? $"the outbox holds {totals.Bytes} bytes of undelivered findings (limit {_options.MaxPendingBytes})"
            : null;
    }

    public IReadOnlyList<OutboxBatch> PendingBatches(int limit) => store.GetOutboxBatches(limit);

    public FindingBatch? Load(OutboxBatch batch) => store.GetOutboxPayload(batch.Id);

    public bool HasBatches(string commandId, long fencingToken) => store.HasOutboxBatches(commandId, fencingToken);

    public void Acknowledged(OutboxBatch batch)
    {
        store.DeleteOutboxBatch(batch.Id);
        Changed();
        Freed.Set();
    }

    public void Refused(OutboxBatch batch)
    {
        store.DropOutboxBatch(batch);
        Changed();
        Freed.Set();
    }

    public IReadOnlyList<OutboxCompletion> PendingCompletions() => store.GetOutboxCompletions();

    public void Delivered(OutboxCompletion completion)
    {
        store.DeleteOutboxCompletion(completion.Id);
        Changed();
        Freed.Set();
    }

    public void NotYet(OutboxCompletion completion) => store.CountOutboxDeliveryAttempt(completion.Id);

    private void Changed()
    {
        lock (_gate)
        {
            _totals = null;
        }
    }
}
