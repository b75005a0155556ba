namespace SecPlatform.Agent.Outbox;

/// <summary>What recording a run put in the outbox.</summary>
public sealed record OutboxRecording(int Batches, int Findings);
