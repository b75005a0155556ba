using Microsoft.Extensions.Hosting;

namespace SecPlatform.Agent.Lease;

/// <summary>
/// How <c>secplat-agent run</c> ends. A component that must end the process records why and stops the
/// host; the verb returns <see cref="ExitCode"/>. The first reason given wins.
/// </summary>
public sealed class AgentRunOutcome(IHostApplicationLifetime lifetime)
{
    private int _exitCode = -1;

    public AgentExitCode ExitCode => _exitCode < 0 ? AgentExitCode.Ok : (AgentExitCode)_exitCode;

    public void Stop(AgentExitCode exitCode)
    {
        Interlocked.CompareExchange(ref _exitCode, (int)exitCode, -1);
        lifetime.StopApplication();
    }
}
