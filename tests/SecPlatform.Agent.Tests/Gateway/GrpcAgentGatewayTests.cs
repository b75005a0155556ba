using Grpc.Core;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Gateway;

/// <summary>The real gRPC client over loopback sockets, against a stand-in control plane.</summary>
public sealed class GrpcAgentGatewayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task RenewLeaseAsync_WithKey_SendsItAsBearerWithADeadline()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        var key = Secrets.AgentKey();
        using var gateway = new GrpcAgentGateway(controlPlane.BaseUrl, key, TimeProvider.System);

        var before = DateTime.UtcNow;
        var response = await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h/1/n", Acquire = true }, Timeout, CancellationToken.None);

        Assert.Equal(10, response.NextRenewSeconds);
        var call = Assert.Single(controlPlane.Service.Calls);
        Assert.Equal($"Bearer {key.Value}", call.Authorization);
        Assert.InRange(call.Deadline, before, DateTime.UtcNow + Timeout);
    }

    [Fact]
    public async Task RegisterAsync_WithoutKey_SendsNoAuthorization()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        using var gateway = new GrpcAgentGateway(controlPlane.BaseUrl, agentKey: null, TimeProvider.System);

        var response = await gateway.RegisterAsync(new RegisterRequest { BootstrapToken = Secrets.BootstrapToken().Value }, Timeout, CancellationToken.None);

        Assert.Equal("agent0000001", response.AgentId);
        Assert.Null(Assert.Single(controlPlane.Service.Calls).Authorization);
    }

    [Fact]
    public async Task RenewLeaseAsync_NothingListening_ThrowsUnavailableWithTheReason()
    {
        var baseUrl = new Uri($"http://127.0.0.1:{LoopbackControlPlane.FreePort()}/");
        using var gateway = new GrpcAgentGateway(baseUrl, Secrets.AgentKey(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<RpcException>(() => gateway.RenewLeaseAsync(new RenewLeaseRequest(), Timeout, CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("refused", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cannot reach", error.Status.Detail);
    }

    [Fact]
    public async Task RenewLeaseAsync_ServerRefusesHolder_SurfacesFailedPrecondition()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        controlPlane.Service.OnRenew = (_, _) => throw new RpcException(new Status(StatusCode.FailedPrecondition, "another process holds this agent's lease"));
        using var gateway = new GrpcAgentGateway(controlPlane.BaseUrl, Secrets.AgentKey(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<RpcException>(() => gateway.RenewLeaseAsync(new RenewLeaseRequest(), Timeout, CancellationToken.None));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task RenewLeaseAsync_ServerTooSlow_ThrowsDeadlineExceeded()
    {
        await using var controlPlane = await LoopbackControlPlane.StartAsync();
        controlPlane.Service.OnRenew = async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            return new RenewLeaseResponse();
        };
        using var gateway = new GrpcAgentGateway(controlPlane.BaseUrl, Secrets.AgentKey(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<RpcException>(() => gateway.RenewLeaseAsync(new RenewLeaseRequest(), TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task RenewLeaseAsync_ControlPlaneRestartedOnAnotherGrpcPort_ReconnectsThroughDiscovery()
    {
        var service = new LoopbackGatewayService();
        var first = await LoopbackControlPlane.StartAsync(service: service);
        using var gateway = new GrpcAgentGateway(first.BaseUrl, Secrets.AgentKey(), TimeProvider.System);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest(), Timeout, CancellationToken.None);
        var httpPort = first.BaseUrl.Port;
        await first.DisposeAsync();

        await using var second = await LoopbackControlPlane.StartAsync(httpPort, service);
        Assert.NotEqual(first.GrpcPort, second.GrpcPort);

        // The old channel fails once; the next call reads the discovery document again. Nothing listens on the old
        // port (Unavailable), or, when another test's HTTP/1.1 server took it meanwhile, the answer is not gRPC (Internal).
        var outage = await Assert.ThrowsAsync<RpcException>(() => gateway.RenewLeaseAsync(new RenewLeaseRequest(), Timeout, CancellationToken.None));
        Assert.Contains(outage.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        var response = await gateway.RenewLeaseAsync(new RenewLeaseRequest(), Timeout, CancellationToken.None);

        Assert.Equal(10, response.NextRenewSeconds);
        Assert.Equal(2, service.Calls.Count(c => c.Method == "RenewLease"));
    }
}
