namespace SecPlatform.Agent.Outbox;

/// <summary>One pending batch of findings as the outbox lists it (its findings are loaded on their own, when sent).</summary>
/// <param name="Id">The outbox's key: it grows with every batch recorded, so ordering by it is oldest first.</param>
/// <param name="BatchId">The id sent with the batch and echoed in its acknowledgement: <c>{commandId}-{fencingToken}-{n}</c>.</param>
public sealed record OutboxBatch(
    long Id,
    string BatchId,
    string CommandId,
    long FencingToken,
    int FindingCount,
    int SizeBytes,
    DateTimeOffset RecordedAt);
