using System.Net;
using System.Runtime.Versioning;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// One agent is cut off from the control plane (a paused TCP proxy between them) for longer than a lease while the
/// control plane stays up and a second agent is connected directly. The cut-off agent fences itself and stops its
/// scan; its lease runs out and its commands go to the other agent, whose findings arrive; on reconnect, the cut-off
/// agent's late findings and completions are refused and dropped with a logged reason.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class AgentCutOffTests : IDisposable
{
    // The released scan must finish before the agent fences itself (0.8 x the lease after its last renewal, which
    // came at most a quarter lease before the cut): 10 s leaves room on a loaded machine.
    private const int LeaseSeconds = 10;
    private const string Tenant = "acme";

    private readonly string _root = Directory.CreateTempSubdirectory("secplat-e2e-cutoff-").FullName;

    [Fact]
    public async Task AgentCutOffLongerThanALease_CommandsGoToTheOtherAgent_LateResultsRefusedAndDropped()
    {
        var finished = Targets.Write(_root, "one/finished.sh");
        var killed = Targets.Write(_root, "two/killed.sh");
        var shims = Path.Combine(_root, "shims");
        var control = Directory.CreateDirectory(Path.Combine(_root, "control")).FullName;
        ScannerShims.Gated(shims, control, "shellcheck");

        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        // The cut-off agent reaches the control plane on another loopback address with the same ports, through the
        // proxy: the discovery document names the gRPC port, which the proxy forwards too, so nothing is rewritten.
        var proxyAddress = IPAddress.Parse("127.0.0.2");
        await using var baseProxy = PausableTcpProxy.Start(new IPEndPoint(proxyAddress, cp.Port), new IPEndPoint(IPAddress.Loopback, cp.Port));
        await using var grpcProxy = PausableTcpProxy.Start(new IPEndPoint(proxyAddress, cp.Port + 1), new IPEndPoint(IPAddress.Loopback, cp.Port + 1));
        await cp.JsonAsync("tenants", "create", Tenant);
        await using var cutOff = await AgentProcess.RegisterAsync(cp, Tenant, "cut-off", ["--allow-path", _root], server: $"http://{proxyAddress}:{cp.Port}");
        cutOff.Start(new Dictionary<string, string?> { ["PATH"] = ScannerShims.Path(shims) });
        await cutOff.WaitForLogAsync("Taking work");

        var first = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = finished });
        var second = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = killed });
        // The second agent registers meanwhile, and starts once the first one runs both scans.
        var registering = AgentProcess.RegisterAsync(cp, Tenant, "direct", ["--allow-path", _root]);
        await Targets.WaitUntilAsync(() => File.Exists(Path.Combine(control, "finished.sh.started")) && File.Exists(Path.Combine(control, "killed.sh.started")),
            TimeSpan.FromSeconds(30), () => cutOff.Log);
        await using var direct = await registering;
        direct.Start();
        await direct.WaitForLogAsync("Taking work");

        baseProxy.Pause();
        grpcProxy.Pause();
        // One scan finishes while cut off (its results wait in the outbox); the other is still running when the
        // agent fences itself, and is killed.
        File.WriteAllText(Path.Combine(control, "finished.sh.release"), "");
        await cutOff.WaitForLogAsync($"Command {first} (token 1) recorded in the outbox: Succeeded");
        await cutOff.WaitForLogAsync("Self-fencing");
        await cutOff.WaitForLogAsync($"Command {second} (token 1) recorded in the outbox: Failed (retryable True), 0 findings in 0 batches: self-fenced: lease may be lost");
        var killedShim = int.Parse(File.ReadAllText(Path.Combine(control, "killed.sh.started")).Trim());
        Assert.False(Targets.IsAlive(killedShim), "the fenced scan still runs");

        var commands = await cp.WaitFinishedAsync(Tenant, TimeSpan.FromSeconds(60), first, second);
        foreach (var command in commands)
        {
            Assert.True(command.Str("status") == "succeeded", $"{command.ToJsonString()}\n{cutOff.Log}\n{direct.Log}");
            Assert.Equal((2, direct.AgentId), (command.Long("attempt"), command.Str("agentId")));
        }

        baseProxy.Resume();
        grpcProxy.Resume();
        // The control plane names a command that went to another agent "not this agent's" (NotFound) rather than a
        // stale token (FailedPrecondition); either way the work is dropped and the reason logged.
        await cutOff.WaitForLogAsync($"Findings batch {first}-1-1 of command {first} (token 1, 7 findings) refused by the control plane and dropped: ");
        await cutOff.WaitForLogAsync($"Command {first} (token 1) completion (Succeeded) refused by the control plane and dropped: ");
        await cutOff.WaitForLogAsync($"Command {second} (token 1) completion (Failed) refused by the control plane and dropped: ");
        Assert.Matches("dropped: (stale fencing token 1|command [a-z0-9]+ is not this agent's)", cutOff.Log);

        // The late delivery changed nothing: both still succeeded on their second attempt, each finding seen once.
        var listed = (await cp.JsonAsync("commands", "list", "--tenant", Tenant, "--limit", "100"))["items"]!.AsArray().Select(item => item!).ToList();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, command => Assert.Equal(("succeeded", 2, direct.AgentId), (command.Str("status"), command.Long("attempt"), command.Str("agentId"))));
        foreach (var id in new[] { first, second })
        {
            var findings = await cp.FindingsAsync(Tenant, id);
            Assert.Equal(Targets.ShellScriptFindings, findings.Count);
            Assert.All(findings, f => Assert.Equal(1, f.Long("occurrences")));
        }

        var outbox = (await cutOff.StatusAsync())["outbox"]!;
        Assert.Equal((0, 0), (outbox.Long("batches"), outbox.Long("completions")));
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
