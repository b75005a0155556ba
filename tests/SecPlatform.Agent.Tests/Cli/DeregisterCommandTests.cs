using Grpc.Core;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class DeregisterCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestRuntime _runtime = new();
    private readonly AgentIdentity _identity = Samples.Identity();

    public DeregisterCommandTests()
    {
        using var store = AgentStateStore.Open(StateDirectory, AgentPlatforms.Current);
        store.SaveIdentity(_identity);
    }

    private string StateDirectory => _temp.Combine("state");

    [Fact]
    public async Task Deregister_ServerAccepts_CallsWithTheKeyAndDeletesTheIdentity()
    {
        var run = await CliRun.InvokeAsync(_runtime, "deregister", "--state-dir", StateDirectory);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, _runtime.Gateway.DeregisterCalls);
        var (server, key) = Assert.Single(_runtime.Factory.Created);
        Assert.Equal(_identity.Server, server);
        Assert.Equal(_identity.AgentKey.Value, key!.Value);
        Assert.Null(LoadIdentity());
        Assert.DoesNotContain(_identity.AgentKey.Secret, run.Output + run.Error);
    }

    [Fact]
    public async Task Deregister_KeyNoLongerAccepted_StillDeletesTheIdentity()
    {
        _runtime.Gateway.DeregisterError = FakeAgentGateway.Error(StatusCode.Unauthenticated, "this agent is no longer registered");

        var run = await CliRun.InvokeAsync(_runtime, "deregister", "--state-dir", StateDirectory);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no longer accepts", run.Error);
        Assert.Null(LoadIdentity());
    }

    [Fact]
    public async Task Deregister_ControlPlaneUnreachable_KeepsTheIdentity()
    {
        _runtime.Gateway.DeregisterError = FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused");

        var run = await CliRun.InvokeAsync(_runtime, "deregister", "--state-dir", StateDirectory);

        Assert.Equal((int)AgentExitCode.Error, run.ExitCode);
        Assert.StartsWith("secplat-agent: cannot reach the control plane at http://127.0.0.1:5080/", run.Error);
        Assert.NotNull(LoadIdentity());
    }

    private AgentIdentity? LoadIdentity()
    {
        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        return store.GetIdentity();
    }

    public void Dispose() => _temp.Dispose();
}
