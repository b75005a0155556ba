namespace SecPlatform.Agent.Cli;

/// <summary>A scanner in <see cref="AgentStatusView"/>.</summary>
public sealed record CapabilityView(string Scanner, string Version);
