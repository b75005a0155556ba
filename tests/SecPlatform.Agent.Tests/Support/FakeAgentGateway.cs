using System.Collections.Concurrent;
using Grpc.Core;
using SecPlatform.Agent.Gateway;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>A scripted control plane: each renew is answered by <see cref="OnRenew"/>, given the call's index (0-based).</summary>
public sealed class FakeAgentGateway(TimeProvider time) : IAgentGateway
{
    private readonly ConcurrentQueue<RecordedRenewal> _renewals = new();
    private readonly ConcurrentQueue<ReleaseLeaseRequest> _releases = new();
    private int _renewCount;

    public Func<int, RenewLeaseRequest, RenewLeaseResponse> OnRenew { get; set; } = (_, _) => Answer(nextRenewSeconds: 10);

    public Func<RegisterRequest, RegisterResponse> OnRegister { get; set; } = _ => throw new RpcException(new Status(StatusCode.Unimplemented, "no register script"));

    public Exception? DeregisterError { get; set; }

    public List<RegisterRequest> Registrations { get; } = [];

    public int DeregisterCalls { get; private set; }

    public IReadOnlyList<RecordedRenewal> Renewals => [.. _renewals];

    public IReadOnlyList<ReleaseLeaseRequest> Releases => [.. _releases];

    public bool Disposed { get; private set; }

    public static RenewLeaseResponse Answer(int nextRenewSeconds, long transitions = 1, bool drain = false, bool cordoned = false, bool revoked = false) => new()
    {
        Lease = new LeaseParameters { LeaseDurationSeconds = nextRenewSeconds * 4, RenewIntervalSeconds = nextRenewSeconds },
        NextRenewSeconds = nextRenewSeconds,
        LeaseTransitions = transitions,
        Drain = drain,
        Cordoned = cordoned,
        Revoked = revoked,
    };

    public static RpcException Error(StatusCode code, string detail = "scripted") => new(new Status(code, detail));

    public Task<RegisterResponse> RegisterAsync(RegisterRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Registrations.Add(request);
        return Task.FromResult(OnRegister(request));
    }

    public Task<RenewLeaseResponse> RenewLeaseAsync(RenewLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _renewCount) - 1;
        _renewals.Enqueue(new RecordedRenewal(request.Clone(), time.GetUtcNow(), timeout));
        return Task.FromResult(OnRenew(index, request));
    }

    public Task ReleaseLeaseAsync(ReleaseLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _releases.Enqueue(request);
        return Task.CompletedTask;
    }

    public Task DeregisterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        DeregisterCalls++;
        return DeregisterError is null ? Task.CompletedTask : Task.FromException(DeregisterError);
    }

    public void Dispose() => Disposed = true;

    public sealed record RecordedRenewal(RenewLeaseRequest Request, DateTimeOffset At, TimeSpan Timeout);
}
