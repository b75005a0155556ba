namespace SecPlatform.Agent.Cli;

/// <summary>The outbox part of <see cref="AgentStatusView"/>: what waits to be delivered.</summary>
public sealed record OutboxStatusView(int Batches, long Findings, long Bytes, int Completions);
