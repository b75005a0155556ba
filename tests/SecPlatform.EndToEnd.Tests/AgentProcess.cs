using System.Text.Json.Nodes;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// One registered agent identity (its own state directory) and the <c>secplat-agent run</c> processes started on it,
/// one at a time; <see cref="Log"/> gathers what every one of them printed.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly List<string> _logs = [];

    private AgentProcess(string stateDir, string agentId)
    {
        StateDir = stateDir;
        AgentId = agentId;
    }

    public string StateDir { get; }

    public string AgentId { get; }

    public DotnetProcess? Current { get; private set; }

    public string Log => string.Concat(_logs) + (Current is null ? "" : Current.StdOut + Current.StdErr);

    /// <summary>Creates a bootstrap token for <paramref name="tenant"/> and registers with it
    /// (<paramref name="registerArgs"/>: the local policy, labels).</summary>
    public static async Task<AgentProcess> RegisterAsync(ControlPlaneProcess cp, string tenant, string name, IEnumerable<string> registerArgs, string? server = null)
    {
        var token = (await cp.JsonAsync("tokens", "create", "--tenant", tenant))["token"]!.GetValue<string>();
        var stateDir = Directory.CreateTempSubdirectory("secplat-e2e-agent-").FullName;
        var result = await DotnetProcess.RunAsync(RepoPaths.Agent,
            ["register", "--server", server ?? cp.BaseUrl, "--state-dir", stateDir, "--name", name, .. registerArgs],
            new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = token });
        Assert.True(result.ExitCode == 0, result.ToString());
        return new AgentProcess(stateDir, result.StdOut.Trim().Split('\n')[^1].Trim());
    }

    /// <summary>Starts <c>secplat-agent run</c> (the previous process must have ended).</summary>
    public DotnetProcess Start(IDictionary<string, string?>? environment = null, params string[] args)
    {
        Assert.True(Current is null || Current.HasExited, "the agent still runs");
        if (Current is not null)
        {
            _logs.Add(Current.StdOut + Current.StdErr);
        }

        Current = DotnetProcess.Start(RepoPaths.Agent, ["run", "--state-dir", StateDir, .. args], environment);
        return Current;
    }

    public Task WaitForLogAsync(string text, TimeSpan? timeout = null) =>
        Current!.WaitForOutputAsync(text, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>kill -9.</summary>
    public async Task KillAsync()
    {
        Current!.Kill();
        await Current.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, then waits for the exit.</summary>
    public async Task<ProcessResult> StopAsync()
    {
        Current!.Terminate();
        return await Current.WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>What <c>secplat-agent status --output json</c> says.</summary>
    public async Task<JsonNode> StatusAsync()
    {
        var result = await DotnetProcess.RunAsync(RepoPaths.Agent, ["status", "--state-dir", StateDir, "--output", "json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.StdOut)!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Current is not null)
        {
            await Current.DisposeAsync();
        }

        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
