using System.Text.Json.Nodes;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Client;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// Secure first contact, for real: the service over https with the certificate it generated, the CLI and the agent
/// pinning its key. With a wrong pin, the agent stops in the TLS handshake: the token never reaches the server.
/// </summary>
public sealed class TlsFirstContactTests
{
    private const int LeaseSeconds = 3;
    private const string WrongPin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    [Fact]
    public async Task Register_RightPin_AgentRunsOnlineOverTlsAndKeepsThePin()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds, tls: true);
        await cp.JsonAsync("tenants", "create", "acme");
        var token = await cp.JsonAsync("tokens", "create", "--tenant", "acme");
        Assert.Equal(cp.Pin, token.Str("pin"));
        Assert.Equal(cp.BaseUrl, token.Str("serverUrl"));
        var stateDir = Directory.CreateTempSubdirectory("secplat-e2e-agent-").FullName;
        try
        {
            var register = await DotnetProcess.RunAsync(RepoPaths.Agent,
                ["register", "--server", cp.BaseUrl, "--pin", cp.Pin!, "--state-dir", stateDir, "--name", "tls-1"],
                new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = token.Str("token") });
            Assert.True(register.ExitCode == 0, register.ToString());

            var status = await DotnetProcess.RunAsync(RepoPaths.Agent, ["status", "--state-dir", stateDir, "--output", "json"]);
            Assert.Equal(cp.Pin, JsonNode.Parse(status.StdOut)!.Str("serverPin"));

            await using (var agent = DotnetProcess.Start(RepoPaths.Agent, ["run", "--state-dir", stateDir]))
            {
                var online = await WaitForHealthAsync(cp, "online", TimeSpan.FromSeconds(60));
                Assert.Equal("tls-1", online.Str("name"));
                agent.Terminate();
                var stopped = await agent.WaitAsync(TimeSpan.FromSeconds(90));
                Assert.True(stopped.ExitCode == 0, stopped.ToString());
            }

            // deregister uses the stored pin too.
            var deregister = await DotnetProcess.RunAsync(RepoPaths.Agent, ["deregister", "--state-dir", stateDir]);
            Assert.True(deregister.ExitCode == 0, deregister.ToString());
            Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task Register_WrongPin_Exit6NoIdentityAndTheServerNeverSawTheToken()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds, tls: true);
        await cp.JsonAsync("tenants", "create", "acme");
        var token = await cp.JsonAsync("tokens", "create", "--tenant", "acme");
        var stateDir = Directory.CreateTempSubdirectory("secplat-e2e-agent-").FullName;
        try
        {
            var register = await DotnetProcess.RunAsync(RepoPaths.Agent,
                ["register", "--server", cp.BaseUrl, "--pin", WrongPin, "--state-dir", stateDir],
                new Dictionary<string, string?> { ["SECPLAT_TOKEN"] = token.Str("token") });

            Assert.True(register.ExitCode == 6, register.ToString());
            var line = Assert.Single(register.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("is not the expected control plane", line);
            Assert.Contains("the bootstrap token was not sent", line);
            Assert.DoesNotContain(token.Str("token"), register.StdOut + register.StdErr);
            var status = await DotnetProcess.RunAsync(RepoPaths.Agent, ["status", "--state-dir", stateDir]);
            Assert.Equal(5, status.ExitCode);

            var stored = Assert.Single((await cp.JsonAsync("tokens", "list"))["items"]!.AsArray())!;
            Assert.Equal(0, stored.Long("usedCount"));
            Assert.Empty((await cp.JsonAsync("registrations", "list"))["items"]!.AsArray());
            Assert.Empty((await cp.JsonAsync("agents", "list"))["items"]!.AsArray());
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task Cli_PinFromFlagEnvironmentOrLocalDataDir_Works_WrongOrMissingPin_RefusedWithOneLine()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds, tls: true);
        string[] common = ["--server", cp.BaseUrl, "--data-dir", cp.DataDir];
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(cp.DataDir, DataDirectory.InitialAdminKeyFileName))).Trim();
        var elsewhere = Directory.CreateTempSubdirectory("secplat-e2e-empty-").FullName;
        try
        {
            var byFlag = await DotnetProcess.RunAsync(RepoPaths.Cli, [.. common, "--pin", cp.Pin!, "tenants", "list"]);
            var byEnvironment = await DotnetProcess.RunAsync(RepoPaths.Cli, [.. common, "tenants", "list"],
                new Dictionary<string, string?> { ["SECPLAT_PIN"] = cp.Pin });
            // On the control plane's machine, the CLI reads the pin of the generated certificate like the admin key.
            var local = await DotnetProcess.RunAsync(RepoPaths.Cli, [.. common, "tenants", "list"]);
            var serverPin = await DotnetProcess.RunAsync(RepoPaths.Cli, ["--data-dir", cp.DataDir, "server", "pin"]);
            var wrong = await DotnetProcess.RunAsync(RepoPaths.Cli, [.. common, "--pin", WrongPin, "tenants", "list"]);
            var missing = await DotnetProcess.RunAsync(RepoPaths.Cli,
                ["--server", cp.BaseUrl, "--data-dir", elsewhere, "--api-key", adminKey, "tenants", "list"]);

            Assert.True(byFlag.ExitCode == 0, byFlag.ToString());
            Assert.True(byEnvironment.ExitCode == 0, byEnvironment.ToString());
            Assert.True(local.ExitCode == 0, local.ToString());
            Assert.Equal(cp.Pin + "\n", serverPin.StdOut.ReplaceLineEndings("\n"));
            Assert.Equal(5, wrong.ExitCode);
            Assert.Contains("the API key was not sent", Assert.Single(wrong.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            Assert.Equal(5, missing.ExitCode);
            Assert.Single(missing.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_ReusesTheGeneratedCertificate_SamePinLogged()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds, tls: true);
        var pin = cp.Pin!;

        await cp.KillAsync();
        await cp.RestartAsync();

        Assert.Equal(pin, cp.Pin);
        await cp.JsonAsync("tenants", "list");
        Assert.Equal(2, CountOccurrences(cp.Log, $"server pin {pin}"));
    }

    [Fact]
    public async Task AgentsList_VersionFromRegisterThenRenew_OlderThanTheControlPlaneFlaggedOutdated()
    {
        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds, tls: true);
        await cp.JsonAsync("tenants", "create", "acme");
        var token = await cp.JsonAsync("tokens", "create", "--tenant", "acme");
        // An old agent, as the gRPC client any agent version uses: pinned, over TLS.
        using var anonymous = await ControlPlaneEndpoint.ConnectAsync(new Uri(cp.BaseUrl), null, CancellationToken.None, pin: cp.Pin);
        var registered = await new AgentGateway.AgentGatewayClient(anonymous.Invoker).RegisterAsync(new RegisterRequest
        {
            BootstrapToken = token.Str("token"), Name = "old-1", Hostname = "old-1", Os = "linux", Arch = "x64", Version = "0.0.1+0123abc",
        });
        using var agent = await ControlPlaneEndpoint.ConnectAsync(new Uri(cp.BaseUrl), registered.AgentKey, CancellationToken.None, pin: cp.Pin);
        var gateway = new AgentGateway.AgentGatewayClient(agent.Invoker);

        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "old-1:1:a", Acquire = true, Version = "0.0.1+0123abc" });
        var before = await cp.CliAsync("agents", "list");
        // The binary replaced in place: the next renew (a new process, so a new holder) reports the new version.
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "old-1:2:b", Acquire = true, Version = anonymous.Discovery.Version });
        var after = await cp.CliAsync("agents", "list");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains("0.0.1 (outdated)", before.StdOut);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains($" {anonymous.Discovery.Version} ", after.StdOut);
        Assert.DoesNotContain("outdated", after.StdOut);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<JsonNode> WaitForHealthAsync(ControlPlaneProcess cp, string health, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var agents = (await cp.JsonAsync("agents", "list"))["items"]!.AsArray();
            if (agents.Count == 1 && agents[0]!.Str("health") == health)
            {
                return agents[0]!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"agent not {health} within {timeout}: {agents.ToJsonString()}\n{cp.Log}");
            }

            await Task.Delay(300);
        }
    }
}
