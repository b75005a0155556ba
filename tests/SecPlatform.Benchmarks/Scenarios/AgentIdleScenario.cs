using SecPlatform.Benchmarks.Infrastructure;
using SecPlatform.Benchmarks.Results;
using SecPlatform.Benchmarks.Swarm;
using SecPlatform.Testing;

namespace SecPlatform.Benchmarks.Scenarios;

/// <summary>
/// One real agent, idle: the built <c>secplat-agent</c> registers with a control plane on LiteDB and runs (renewing
/// its lease and polling for work that never comes); after a warm-up, its CPU and RSS are read from /proc over the
/// window. An agent that is not built or does not start is this scenario's error, nothing more.
/// </summary>
internal sealed class AgentIdleScenario(BenchSettings settings, string workDir)
{
    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var agentDll = RepoPaths.Agent;
        await using var controlPlane = await ControlPlaneProcess.StartAsync(workDir, "cp-agent-idle", [], cancellationToken);
        var admin = new AdminClient(AgentChannels.Create(controlPlane.GrpcAddress), controlPlane.AdminKey);
        var tenant = await admin.CreateTenantAsync("idle", cancellationToken);
        var (_, token) = await admin.CreateTokenAsync(tenant, 1, cancellationToken);
        var stateDir = Path.Combine(workDir, "agent-idle-state");
        var registered = await DotnetProcess.RunAsync(agentDll,
            ["register", "--server", controlPlane.BaseUrl, "--token", token, "--state-dir", stateDir, "--name", "idle-1"],
            timeout: TimeSpan.FromSeconds(60));
        if (registered.ExitCode != 0)
        {
            throw new InvalidOperationException($"secplat-agent register exited {registered.ExitCode}: {registered.StdErr} {registered.StdOut}".Trim());
        }

        await using var agent = DotnetProcess.Start(agentDll, ["run", "--state-dir", stateDir]);
        await Task.Delay(TimeSpan.FromSeconds(settings.AgentIdleWarmup), cancellationToken);
        if (agent.HasExited)
        {
            throw new InvalidOperationException($"secplat-agent run exited during the warm-up: {agent.StdErr} {agent.StdOut}".Trim());
        }

        var sampler = new ProcessSampler(agent.Id);
        await Task.Delay(TimeSpan.FromSeconds(settings.AgentIdleWindow), cancellationToken);
        await sampler.StopAsync();
        if (agent.HasExited)
        {
            throw new InvalidOperationException($"secplat-agent run exited during the measurement: {agent.StdErr} {agent.StdOut}".Trim());
        }

        agent.Terminate();
        Console.WriteLine($"  idle agent: {sampler.MaxRssMiB:0.0} MiB RSS, {sampler.CpuPercent:0.00} % of one core over {settings.AgentIdleWindow:0} s");
        var window = $"{settings.AgentIdleWindow:0} s after a {settings.AgentIdleWarmup:0} s warm-up";
        return
        [
            ScenarioResult.Absolute("agent idle: RSS", "MiB", sampler.MaxRssMiB, 60, lowerIsBetter: true, "largest RSS seen, " + window),
            ScenarioResult.Absolute("agent idle: CPU", "% of one core", sampler.CpuPercent, 0.5, lowerIsBetter: true, window),
        ];
    }
}
