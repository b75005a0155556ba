using System.Runtime.Versioning;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// Crash safety: the agent is killed (-9) after a finished run reached its outbox but before the control plane
/// acknowledged it (or after it acknowledged the findings but before the agent deleted them); started again, it
/// delivers the outbox under the original fencing token before it acquires the lease as a new holder, and every
/// finding arrives exactly once.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class OutboxCrashTests : IDisposable
{
    // Long enough that the restarted agent delivers before the killed one's claim could lapse; nothing here waits for it.
    private const int LeaseSeconds = 30;
    private const string Tenant = "acme";

    private readonly string _root = Directory.CreateTempSubdirectory("secplat-e2e-crash-").FullName;

    [Theory]
    [InlineData("BeforeSend")]
    [InlineData("AfterAck")]
    public async Task Kill9_WithTheRunInTheOutbox_RestartDeliversEveryFindingExactlyOnceUnderTheOriginalToken(string hold)
    {
        var script = Targets.Write(_root, "app/copy.sh");
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", Tenant);
        await using var agent = await AgentProcess.RegisterAsync(cp, Tenant, "crash-1", ["--allow-path", _root]);
        // Small batches: the run's 7 findings go in three.
        var batches = new Dictionary<string, string?> { ["SecPlatform__Agent__Outbox__MaxBatchFindings"] = "3" };
        agent.Start(new Dictionary<string, string?>(batches) { ["SecPlatform__Agent__Outbox__TestHold"] = hold });
        await agent.WaitForLogAsync("Taking work");

        var id = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = script });
        await agent.WaitForLogAsync($"Command {id} (token 1) recorded in the outbox: Succeeded");
        if (hold == "AfterAck")
        {
            await agent.WaitForLogAsync("stay in the outbox");
        }

        var outbox = (await agent.StatusAsync())["outbox"]!;
        Assert.Equal((3, 7, 1), ((int)outbox.Long("batches"), (int)outbox.Long("findings"), (int)outbox.Long("completions")));
        Assert.Equal("running", (await cp.GetCommandAsync(id)).Str("status"));
        await agent.KillAsync();
        var firstLog = agent.Log;

        agent.Start(batches);
        var command = Assert.Single(await cp.WaitFinishedAsync(Tenant, TimeSpan.FromSeconds(60), id));

        Assert.True(command.Str("status") == "succeeded", $"{command.ToJsonString()}\n{agent.Log}");
        // Delivered under the original token: the claim never went back to the queue.
        Assert.Equal((1, 1), (command.Long("attempt"), command.Long("fencingToken")));
        Assert.Equal(Targets.ShellScriptFindings, command.Long("findingCount"));
        var findings = await cp.FindingsAsync(Tenant, id);
        Assert.Equal(Targets.ShellScriptFindings, findings.Count);
        Assert.Equal(Targets.ShellScriptFindings, findings.Select(f => f.Str("fingerprint")).Distinct().Count());
        Assert.All(findings, f => Assert.Equal(1, f.Long("occurrences")));

        var secondLog = agent.Log[firstLog.Length..];
        var delivered = secondLog.IndexOf("Outbox delivered what it held at start", StringComparison.Ordinal);
        var acquired = secondLog.IndexOf("Lease acquired", StringComparison.Ordinal);
        Assert.True(delivered >= 0 && acquired > delivered, $"the outbox was not delivered before the acquire:\n{secondLog}");
        Assert.Contains($"Command {id} (token 1) completion delivered: Succeeded, 7 findings", secondLog);
        if (hold == "AfterAck")
        {
            // The control plane had committed them: the resend changed nothing.
            Assert.Contains("0 new, 3 already delivered", secondLog);
        }

        var after = (await agent.StatusAsync())["outbox"]!;
        Assert.Equal((0, 0), ((int)after.Long("batches"), (int)after.Long("completions")));
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
