using System.Collections.Concurrent;
using Grpc.Core;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>The server side of <see cref="LoopbackControlPlane"/>: records what each call carried and answers as scripted.</summary>
public sealed class LoopbackGatewayService : AgentGateway.AgentGatewayBase
{
    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    /// <summary>The key handed out by the last Register.</summary>
    public string? IssuedKey { get; private set; }

    public Func<RenewLeaseRequest, CancellationToken, Task<RenewLeaseResponse>> OnRenew { get; set; } =
        (_, _) => Task.FromResult(new RenewLeaseResponse { NextRenewSeconds = 10, LeaseTransitions = 1 });

    public override Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        Record("Register", context);
        IssuedKey = Secrets.AgentKey().Value;
        var response = new RegisterResponse
        {
            AgentId = "agent0000001",
            AgentKey = IssuedKey,
            TenantId = "tenant000001",
            Lease = new LeaseParameters { LeaseDurationSeconds = 8, RenewIntervalSeconds = 2 },
        };
        response.Labels.Add(request.Labels);
        return Task.FromResult(response);
    }

    public override Task<RenewLeaseResponse> RenewLease(RenewLeaseRequest request, ServerCallContext context)
    {
        Record("RenewLease", context, request.HolderIdentity, request.Acquire);
        return OnRenew(request, context.CancellationToken);
    }

    public override Task<ReleaseLeaseResponse> ReleaseLease(ReleaseLeaseRequest request, ServerCallContext context)
    {
        Record("ReleaseLease", context, request.HolderIdentity);
        return Task.FromResult(new ReleaseLeaseResponse());
    }

    public override Task<DeregisterResponse> Deregister(DeregisterRequest request, ServerCallContext context)
    {
        Record("Deregister", context);
        return Task.FromResult(new DeregisterResponse());
    }

    private void Record(string method, ServerCallContext context, string? holderIdentity = null, bool acquire = false) =>
        Calls.Enqueue(new ReceivedCall(method, context.RequestHeaders.GetValue("authorization"), context.Deadline, holderIdentity, acquire));

    public sealed record ReceivedCall(string Method, string? Authorization, DateTime Deadline, string? HolderIdentity, bool Acquire);
}
