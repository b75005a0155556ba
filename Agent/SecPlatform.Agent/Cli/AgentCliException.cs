namespace SecPlatform.Agent.Cli;

/// <summary>Ends a verb with one clear line on stderr and <see cref="ExitCode"/>. The message must never carry a secret.</summary>
public sealed class AgentCliException(AgentExitCode exitCode, string message) : Exception(message)
{
    public AgentExitCode ExitCode { get; } = exitCode;
}
