using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// The walkthrough of the README, for real: the service on LiteDB, the CLI creates a tenant and a token,
/// a real agent process registers and shows online; stopped, it goes offline.
/// </summary>
public sealed partial class AgentLifecycleTests
{
    private const int LeaseSeconds = 3;

    [GeneratedRegex("(spbt|spak)_[a-z0-9]{12}_[A-Za-z0-9]{43}")]
    private static partial Regex TokenOrAgentKey();

    [Fact]
    public async Task Walkthrough_RegisterRunKill_OnlineThenOfflineAfterLease_NoSecretsInLogsOrStore()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        var stateDir = Directory.CreateTempSubdirectory("secplat-e2e-agent-").FullName;
        try
        {
            var tenant = Json(await Ok(cp.CliAsync("tenants", "create", "acme", "--output", "json")));
            Assert.Equal("acme", tenant["name"]!.GetValue<string>());
            var token = Json(await Ok(cp.CliAsync("tokens", "create", "--tenant", "acme", "--label", "env=test", "--output", "json")));
            var tokenValue = token["token"]!.GetValue<string>();
            Assert.StartsWith("spbt_", tokenValue);
            Assert.NotNull(token["installCommands"]?["linux"]);

            var register = await DotnetProcess.RunAsync(RepoPaths.Agent, ["register", "--server", cp.BaseUrl, "--state-dir", stateDir, "--name", "web-1"],
                new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = tokenValue });
            Assert.True(register.ExitCode == 0, register.ToString());

            // A second registration over the same identity is refused without --force.
            var again = await DotnetProcess.RunAsync(RepoPaths.Agent, ["register", "--server", cp.BaseUrl, "--state-dir", stateDir],
                new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = tokenValue });
            Assert.NotEqual(0, again.ExitCode);

            await using (var agent = DotnetProcess.Start(RepoPaths.Agent, ["run", "--state-dir", stateDir]))
            {
                var online = await WaitForAgentAsync(cp, "online", TimeSpan.FromSeconds(30));
                Assert.Equal("web-1", online["name"]!.GetValue<string>());
                Assert.Equal(tenant["id"]!.GetValue<string>(), online["tenantId"]!.GetValue<string>());
                Assert.Equal("test", online["labels"]!["env"]!.GetValue<string>());

                var status = await DotnetProcess.RunAsync(RepoPaths.Agent, ["status", "--state-dir", stateDir]);
                Assert.True(status.ExitCode == 0, status.ToString());
                Assert.Contains(online["id"]!.GetValue<string>(), status.StdOut);

                // kill -9: no release, so the agent shows offline only once its lease runs out.
                var killedAt = Stopwatch.StartNew();
                agent.Kill();
                await WaitForAgentAsync(cp, "offline", TimeSpan.FromSeconds(30));
                // The last renew was at most one renew interval (1 s, +10 % jitter) before the kill.
                Assert.True(killedAt.Elapsed >= TimeSpan.FromSeconds(LeaseSeconds - 1.5), $"offline after {killedAt.Elapsed}: before the lease could have run out");
                AssertNoSecrets(agent.StdOut + agent.StdErr, "agent output");
            }

            // Started again and stopped with SIGTERM: it releases its lease and shows offline at once.
            await using (var agent = DotnetProcess.Start(RepoPaths.Agent, ["run", "--state-dir", stateDir]))
            {
                var online = await WaitForAgentAsync(cp, "online", TimeSpan.FromSeconds(30));
                Assert.Equal(1, online["lease"]!["leaseTransitions"]!.GetValue<long>());
                agent.Terminate();
                var exit = await agent.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(exit.ExitCode == 0, exit.ToString());
                var afterStop = await GetAgentAsync(cp);
                Assert.Equal("offline", afterStop["health"]!.GetValue<string>());
                AssertNoSecrets(exit.StdOut + exit.StdErr, "agent output");
            }

            AssertNoSecrets(cp.Process.StdOut + cp.Process.StdErr, "control-plane log");
            var storeBytes = await File.ReadAllBytesAsync(Path.Combine(cp.DataDir, "controlplane.db"));
            AssertNoSecrets(System.Text.Encoding.Latin1.GetString(storeBytes), "LiteDB file");
            Assert.DoesNotContain(tokenValue.Split('_')[2], System.Text.Encoding.Latin1.GetString(storeBytes));
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static void AssertNoSecrets(string text, string where)
    {
        var match = TokenOrAgentKey().Match(text);
        Assert.False(match.Success, $"{where} contains a raw secret: {match.Value[..Math.Min(match.Value.Length, 22)]}...");
    }

    private static async Task<JsonNode> WaitForAgentAsync(ControlPlaneProcess cp, string health, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var agent = await GetAgentAsync(cp);
            if (agent["health"]?.GetValue<string>() == health)
            {
                return agent;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"agent not {health} within {timeout}: {agent.ToJsonString()}\n{cp.Process.StdOut}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<JsonNode> GetAgentAsync(ControlPlaneProcess cp)
    {
        var list = Json(await Ok(cp.CliAsync("agents", "list", "--output", "json")));
        return Assert.Single(list["items"]!.AsArray())!;
    }

    private static async Task<string> Ok(Task<ProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut;
    }

    private static JsonNode Json(string text) => JsonNode.Parse(text) ?? throw new InvalidOperationException("empty JSON");
}
