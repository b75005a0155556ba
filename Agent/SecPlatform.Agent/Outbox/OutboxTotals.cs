namespace SecPlatform.Agent.Outbox;

/// <summary>What waits in the outbox.</summary>
public sealed record OutboxTotals(int Batches, long Findings, long Bytes, int Completions)
{
    public static readonly OutboxTotals Empty = new(0, 0, 0, 0);

    public bool IsEmpty => Batches == 0 && Completions == 0;
}
