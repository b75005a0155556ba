using System.Diagnostics;
using System.Runtime.Versioning;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// The whole control plane goes down (kill -9) for longer than a lease while a scan runs and finishes: the findings wait
/// in the agent's outbox; the control plane comes back on the same data, gives every lease a full duration of grace
/// after the outage, the agent renews in time and keeps its claim, and the findings arrive exactly once.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ControlPlaneOutageTests : IDisposable
{
    // The released scan must finish before the agent fences itself (0.8 x the lease after its last renewal, which
    // came at most a quarter lease before the kill): 10 s leaves room on a loaded machine.
    private const int LeaseSeconds = 10;
    private const string Tenant = "acme";

    private readonly string _root = Directory.CreateTempSubdirectory("secplat-e2e-outage-").FullName;

    [Fact]
    public async Task ControlPlaneDownLongerThanALease_ScanFinishesMeanwhile_ClaimKeptAndFindingsArriveExactlyOnce()
    {
        var script = Targets.Write(_root, "app/outage.sh");
        var shims = Path.Combine(_root, "shims");
        var control = Directory.CreateDirectory(Path.Combine(_root, "control")).FullName;
        ScannerShims.Gated(shims, control, "shellcheck");

        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", Tenant);
        await using var agent = await AgentProcess.RegisterAsync(cp, Tenant, "outage-1", ["--allow-path", _root]);
        agent.Start(new Dictionary<string, string?> { ["PATH"] = ScannerShims.Path(shims) });
        await agent.WaitForLogAsync("Taking work");
        var id = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = script });
        await Targets.WaitUntilAsync(() => File.Exists(Path.Combine(control, "outage.sh.started")), TimeSpan.FromSeconds(30), () => agent.Log);

        await cp.KillAsync();
        var down = Stopwatch.StartNew();
        File.WriteAllText(Path.Combine(control, "outage.sh.release"), "");
        await agent.WaitForLogAsync($"Command {id} (token 1) recorded in the outbox: Succeeded");
        Assert.Equal(Targets.ShellScriptFindings, (await agent.StatusAsync())["outbox"]!.Long("findings"));
        // Down for longer than a lease (the agent fences itself meanwhile: nothing of its is running any more).
        await agent.WaitForLogAsync("Self-fencing");
        var rest = TimeSpan.FromSeconds(LeaseSeconds + 1) - down.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        await cp.RestartAsync();
        var command = Assert.Single(await cp.WaitFinishedAsync(Tenant, TimeSpan.FromSeconds(60), id));

        Assert.True(command.Str("status") == "succeeded", $"{command.ToJsonString()}\n{agent.Log}\n{cp.Log}");
        Assert.True(down.Elapsed > TimeSpan.FromSeconds(LeaseSeconds));
        // The claim was kept across the outage: still the first attempt, on this agent.
        Assert.Equal((1, agent.AgentId), (command.Long("attempt"), command.Str("agentId")));
        Assert.Equal(Targets.ShellScriptFindings, command.Long("findingCount"));
        var findings = await cp.FindingsAsync(Tenant, id);
        Assert.Equal(Targets.ShellScriptFindings, findings.Count);
        Assert.All(findings, f => Assert.Equal(1, f.Long("occurrences")));
        Assert.Contains("Lease renewed again after self-fencing", agent.Log);
        Assert.DoesNotContain("lease expired", cp.Log);
        Assert.DoesNotContain("queued for another attempt", cp.Log);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
