using Google.Protobuf;
using LiteDB;
using SecPlatform.Agent.Outbox;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.State;

/// <summary>
/// The outbox collections of <c>agent.db</c> (see the class summary for their documents). A run's batches and its
/// completion are written in one transaction; a batch's header and payload are deleted together. Everything runs
/// synchronously: LiteDB's shared mode holds a thread-affine mutex for the length of an operation or transaction.
/// </summary>
public sealed partial class AgentStateStore
{
    private const string BatchCollection = "outbox_batches";
    private const string PayloadCollection = "outbox_payloads";
    private const string CompletionCollection = "outbox_completions";

    /// <summary>Records a finished run: all of its batches and its completion, or (on failure) nothing.</summary>
    public void RecordOutboxRun(IReadOnlyList<FindingBatch> batches, OutboxCompletion completion) => Guard(() =>
    {
        _database.BeginTrans();
        try
        {
            var headers = _database.GetCollection(BatchCollection, BsonAutoId.Int64);
            var payloads = _database.GetCollection(PayloadCollection);
            foreach (var batch in batches)
            {
                var payload = batch.ToByteArray();
                var id = headers.Insert(new BsonDocument
                {
                    ["batchId"] = batch.BatchId,
                    ["commandId"] = batch.CommandId,
                    ["fencingToken"] = batch.FencingToken,
                    ["findingCount"] = batch.Findings.Count,
                    ["sizeBytes"] = payload.Length,
                    ["recordedAt"] = completion.RecordedAt.UtcDateTime,
                });
                payloads.Insert(new BsonDocument { ["_id"] = id, ["payload"] = payload });
            }

            _database.GetCollection(CompletionCollection, BsonAutoId.Int64).Insert(ToDocument(completion));
            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        return true;
    });

    /// <summary>Up to <paramref name="limit"/> pending batches, oldest first.</summary>
    public IReadOnlyList<OutboxBatch> GetOutboxBatches(int limit = int.MaxValue) => Guard<IReadOnlyList<OutboxBatch>>(() =>
        [.. _database.GetCollection(BatchCollection, BsonAutoId.Int64).Query().OrderBy("_id").Limit(limit).ToList().Select(ToBatch)]);

    /// <summary>The batch as it is sent; null when it was deleted meanwhile.</summary>
    public FindingBatch? GetOutboxPayload(long batchKey) => Guard(() =>
    {
        var document = _database.GetCollection(PayloadCollection).FindById(batchKey);
        return document is null ? null : FindingBatch.Parser.ParseFrom(document["payload"].AsBinary);
    });

    public bool HasOutboxBatches(string commandId, long fencingToken) => Guard(() =>
        _database.GetCollection(BatchCollection, BsonAutoId.Int64)
            .Exists(Query.And(Query.EQ("commandId", commandId), Query.EQ("fencingToken", fencingToken))));

    /// <summary>Deletes an acknowledged batch.</summary>
    public void DeleteOutboxBatch(long batchKey) => Guard(() =>
    {
        _database.BeginTrans();
        try
        {
            _database.GetCollection(BatchCollection, BsonAutoId.Int64).Delete(batchKey);
            _database.GetCollection(PayloadCollection).Delete(batchKey);
            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        return true;
    });

    /// <summary>
    /// Deletes a batch the control plane refused, and takes its findings out of the pending completion of the same
    /// attempt (marked truncated): that completion announces only what can still be committed.
    /// </summary>
    public void DropOutboxBatch(OutboxBatch batch) => Guard(() =>
    {
        _database.BeginTrans();
        try
        {
            _database.GetCollection(BatchCollection, BsonAutoId.Int64).Delete(batch.Id);
            _database.GetCollection(PayloadCollection).Delete(batch.Id);
            var completions = _database.GetCollection(CompletionCollection, BsonAutoId.Int64);
            foreach (var document in completions.Find(Query.And(Query.EQ("commandId", batch.CommandId), Query.EQ("fencingToken", batch.FencingToken))).ToList())
            {
                document["findingCount"] = Math.Max(0, document["findingCount"].AsInt64 - batch.FindingCount);
                document["truncated"] = true;
                completions.Update(document);
            }

            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        return true;
    });

    /// <summary>Every pending completion, oldest first.</summary>
    public IReadOnlyList<OutboxCompletion> GetOutboxCompletions() => Guard<IReadOnlyList<OutboxCompletion>>(() =>
        [.. _database.GetCollection(CompletionCollection, BsonAutoId.Int64).Query().OrderBy("_id").ToList().Select(ToCompletion)]);

    public void DeleteOutboxCompletion(long id) => Guard(() => _database.GetCollection(CompletionCollection, BsonAutoId.Int64).Delete(id));

    /// <summary>Counts a delivery attempt the control plane answered with "not yet" (findings still missing).</summary>
    public void CountOutboxDeliveryAttempt(long id) => Guard(() =>
    {
        var completions = _database.GetCollection(CompletionCollection, BsonAutoId.Int64);
        var document = completions.FindById(id);
        if (document is not null)
        {
            document["deliveryAttempts"] = document["deliveryAttempts"].AsInt32 + 1;
            completions.Update(document);
        }

        return true;
    });

    /// <summary>What waits in the outbox, from the batch headers alone.</summary>
    public OutboxTotals GetOutboxTotals() => Guard(() =>
    {
        int batches = 0;
        long findings = 0, bytes = 0;
        foreach (var header in _database.GetCollection(BatchCollection, BsonAutoId.Int64).FindAll().ToList())
        {
            batches++;
            findings += header["findingCount"].AsInt32;
            bytes += header["sizeBytes"].AsInt32;
        }

        return new OutboxTotals(batches, findings, bytes, _database.GetCollection(CompletionCollection, BsonAutoId.Int64).Count());
    });

    private static OutboxBatch ToBatch(BsonDocument document) => new(
        Id: document["_id"].AsInt64,
        BatchId: document["batchId"].AsString,
        CommandId: document["commandId"].AsString,
        FencingToken: document["fencingToken"].AsInt64,
        FindingCount: document["findingCount"].AsInt32,
        SizeBytes: document["sizeBytes"].AsInt32,
        RecordedAt: Utc(document["recordedAt"]));

    private static BsonDocument ToDocument(OutboxCompletion completion) => new()
    {
        ["commandId"] = completion.CommandId,
        ["fencingToken"] = completion.FencingToken,
        ["outcome"] = completion.Outcome.ToString(),
        ["retryable"] = completion.Retryable,
        ["exitCode"] = completion.ExitCode,
        ["summary"] = completion.Summary,
        ["error"] = completion.Error,
        ["logTail"] = completion.LogTail,
        ["findingCount"] = completion.FindingCount,
        ["durationMs"] = completion.DurationMs,
        ["truncated"] = completion.Truncated,
        ["recordedAt"] = completion.RecordedAt.UtcDateTime,
        ["deliveryAttempts"] = completion.DeliveryAttempts,
        ["componentCount"] = completion.ComponentCount,
    };

    private static OutboxCompletion ToCompletion(BsonDocument document) => new(
        Id: document["_id"].AsInt64,
        CommandId: document["commandId"].AsString,
        FencingToken: document["fencingToken"].AsInt64,
        Outcome: Enum.Parse<CompletionOutcome>(document["outcome"].AsString),
        Retryable: document["retryable"].AsBoolean,
        ExitCode: document["exitCode"].AsInt32,
        Summary: document["summary"].AsString,
        Error: document["error"].AsString,
        LogTail: document["logTail"].AsString,
        FindingCount: document["findingCount"].AsInt64,
        DurationMs: document["durationMs"].AsInt64,
        Truncated: document["truncated"].AsBoolean,
        RecordedAt: Utc(document["recordedAt"]),
        DeliveryAttempts: document["deliveryAttempts"].AsInt32,
        // Completions recorded before components existed have none.
        ComponentCount: document.TryGetValue("componentCount", out var components) ? components.AsInt64 : 0);
}
