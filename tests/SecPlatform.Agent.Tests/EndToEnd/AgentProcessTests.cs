using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Testing;

namespace SecPlatform.Agent.Tests.EndToEnd;

/// <summary>
/// The built <c>secplat-agent</c> as a real process, over real sockets, against a stand-in control plane:
/// what a service manager sees (signals, exit codes). The lead's suite runs it against the real control plane.
/// </summary>
public sealed class AgentProcessTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();

    private string StateDirectory => _temp.Combine("state");

    [Fact]
    public async Task RegisterRunSigterm_HoldsTheLeaseThenReleasesItAndExitsZero()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        var agentId = await RegisterAsync(controlPlane);

        await using var agent = DotnetProcess.Start(RepoPaths.Agent, ["run", "--state-dir", StateDirectory]);
        var acquire = await WaitForCallAsync(controlPlane, c => c.Method == "RenewLease" && c.Acquire);
        Assert.Equal($"Bearer {controlPlane.Service.IssuedKey}", acquire.Authorization);
        Assert.StartsWith($"{System.Net.Dns.GetHostName()}/{agent.Id}/", acquire.HolderIdentity);
        await agent.WaitForOutputAsync("Lease acquired", ProcessTimeout);

        agent.Terminate();
        var result = await agent.WaitAsync(ProcessTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        var release = Assert.Single(controlPlane.Service.Calls, c => c.Method == "ReleaseLease");
        Assert.Equal(acquire.HolderIdentity, release.HolderIdentity);
        Assert.Contains(agentId, result.StdOut);
        Assert.DoesNotContain(controlPlane.Service.IssuedKey!, result.StdOut + result.StdErr);

        var status = await DotnetProcess.RunAsync(RepoPaths.Agent, ["status", "--state-dir", StateDirectory, "--output", "json"]);
        Assert.Equal(0, status.ExitCode);
        using var json = JsonDocument.Parse(status.StdOut);
        Assert.Equal(agentId, json.RootElement.GetProperty("agentId").GetString());
        Assert.Equal(acquire.HolderIdentity, json.RootElement.GetProperty("lease").GetProperty("holderIdentity").GetString());
        Assert.DoesNotContain(controlPlane.Service.IssuedKey!, status.StdOut);
    }

    [Fact]
    public async Task Run_Revoked_ExitsFourOnItsOwn()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        await RegisterAsync(controlPlane);
        controlPlane.Service.OnRenew = (_, _) => Task.FromResult(new RenewLeaseResponse { Revoked = true });

        var result = await DotnetProcess.RunAsync(RepoPaths.Agent, ["run", "--state-dir", StateDirectory], timeout: ProcessTimeout);

        Assert.True(result.ExitCode == (int)AgentExitCode.Revoked, result.ToString());
        Assert.Contains("revoked agent", result.StdOut);
        Assert.DoesNotContain(controlPlane.Service.Calls, c => c.Method == "ReleaseLease");
    }

    [Fact]
    public async Task Run_Superseded_ExitsThreeWithAClearMessage()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        await RegisterAsync(controlPlane);
        controlPlane.Service.OnRenew = (_, _) => throw new RpcException(new Status(StatusCode.FailedPrecondition, "another process holds this agent's lease"));

        var result = await DotnetProcess.RunAsync(RepoPaths.Agent, ["run", "--state-dir", StateDirectory], timeout: ProcessTimeout);

        Assert.True(result.ExitCode == (int)AgentExitCode.Superseded, result.ToString());
        Assert.Contains("Another process holds this agent's lease", result.StdOut);
    }

    [Fact]
    public async Task Run_ControlPlaneDown_KeepsTryingUntilStoppedThenExitsZero()
    {
        await using (var controlPlane = await LoopbackControlPlane.StartAsync())
        {
            await RegisterAsync(controlPlane);
        }

        await using var agent = DotnetProcess.Start(RepoPaths.Agent, ["run", "--state-dir", StateDirectory]);
        await agent.WaitForOutputAsync("Lease renewal failed", ProcessTimeout);
        Assert.False(agent.HasExited);

        var stopping = Stopwatch.StartNew();
        agent.Terminate();
        var result = await agent.WaitAsync(ProcessTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"took {stopping.Elapsed} to stop");
    }

    private async Task<string> RegisterAsync(LoopbackControlPlane controlPlane)
    {
        var tokenFile = _temp.Combine("token");
        await File.WriteAllTextAsync(tokenFile, Secrets.BootstrapToken().Value + "\n");
        var result = await DotnetProcess.RunAsync(RepoPaths.Agent,
            ["register", "--server", controlPlane.BaseUrl.ToString(), "--token-file", tokenFile, "--state-dir", StateDirectory, "--label", "env=test"],
            timeout: ProcessTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("agent0000001", result.StdOut.Trim());
        return result.StdOut.Trim();
    }

    private static async Task<LoopbackGatewayService.ReceivedCall> WaitForCallAsync(LoopbackControlPlane controlPlane, Func<LoopbackGatewayService.ReceivedCall, bool> match)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (controlPlane.Service.Calls.FirstOrDefault(match) is { } call)
            {
                return call;
            }

            Assert.True(watch.Elapsed < ProcessTimeout, "the agent never made the expected call");
            await Task.Delay(50);
        }
    }

    public void Dispose() => _temp.Dispose();
}
