using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using SecPlatform.Agent.Gateway;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>A scripted control plane: each renew is answered by <see cref="OnRenew"/>, given the call's index (0-based);
/// the command calls and the findings stream by their own scripts, and every call is recorded.</summary>
public sealed class FakeAgentGateway(TimeProvider time) : IAgentGateway
{
    private readonly ConcurrentQueue<RecordedRenewal> _renewals = new();
    private readonly ConcurrentQueue<ReleaseLeaseRequest> _releases = new();
    private int _renewCount;

    public Func<int, RenewLeaseRequest, RenewLeaseResponse> OnRenew { get; set; } = (_, _) => Answer(nextRenewSeconds: 10);

    public Func<RegisterRequest, RegisterResponse> OnRegister { get; set; } = _ => throw new RpcException(new Status(StatusCode.Unimplemented, "no register script"));

    public Exception? DeregisterError { get; set; }

    /// <summary>Answers to pulls, in turn: a pull waits (a long poll with no work) until one is written or the call is
    /// canceled (an <see cref="RpcException"/> with <c>Cancelled</c>, as the real client throws).</summary>
    public Channel<PullCommandsResponse> PullAnswers { get; } = Channel.CreateUnbounded<PullCommandsResponse>();

    public Func<StartCommandRequest, StartCommandResponse> OnStart { get; set; } = _ => new StartCommandResponse();

    public Func<ReportProgressRequest, ReportProgressResponse> OnProgress { get; set; } = _ => new ReportProgressResponse();

    public Func<CompleteCommandRequest, CompleteCommandResponse> OnComplete { get; set; } = _ => new CompleteCommandResponse { Status = "succeeded" };

    /// <summary>Awaited when a findings stream is opened: throw to fail the open.</summary>
    public Func<CancellationToken, Task> OnOpenStream { get; set; } = _ => Task.CompletedTask;

    /// <summary>Answers a batch on the stream; by default accepts it.</summary>
    public Func<FindingBatch, FindingBatchAck> OnBatch { get; set; } = batch => new FindingBatchAck { BatchId = batch.BatchId, Accepted = true, NewCount = batch.Findings.Count };

    public ConcurrentQueue<PullCommandsRequest> Pulls { get; } = new();

    public ConcurrentQueue<StartCommandRequest> Starts { get; } = new();

    public ConcurrentQueue<ReportProgressRequest> ProgressReports { get; } = new();

    public ConcurrentQueue<CompleteCommandRequest> Completions { get; } = new();

    public ConcurrentQueue<FindingBatch> Batches { get; } = new();

    public ConcurrentQueue<string> CallOrder { get; } = new();

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
        CallOrder.Enqueue(request.Acquire ? "RenewLease acquire" : "RenewLease");
        return Task.FromResult(OnRenew(index, request));
    }

    public Task ReleaseLeaseAsync(ReleaseLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _releases.Enqueue(request);
        CallOrder.Enqueue("ReleaseLease");
        return Task.CompletedTask;
    }

    public Task DeregisterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        DeregisterCalls++;
        return DeregisterError is null ? Task.CompletedTask : Task.FromException(DeregisterError);
    }

    public async Task<PullCommandsResponse> PullCommandsAsync(PullCommandsRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Pulls.Enqueue(request.Clone());
        CallOrder.Enqueue("PullCommands");
        try
        {
            return await PullAnswers.Reader.ReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw Error(StatusCode.Cancelled, "canceled");
        }
    }

    public Task<StartCommandResponse> StartCommandAsync(StartCommandRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Starts.Enqueue(request.Clone());
        CallOrder.Enqueue("StartCommand " + request.CommandId);
        return Task.FromResult(OnStart(request));
    }

    public Task<ReportProgressResponse> ReportProgressAsync(ReportProgressRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ProgressReports.Enqueue(request.Clone());
        return Task.FromResult(OnProgress(request));
    }

    public Task<CompleteCommandResponse> CompleteCommandAsync(CompleteCommandRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Completions.Enqueue(request.Clone());
        CallOrder.Enqueue("CompleteCommand " + request.CommandId);
        return Task.FromResult(OnComplete(request));
    }

    public async Task<IFindingStream> OpenFindingStreamAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        CallOrder.Enqueue("StreamFindings");
        await OnOpenStream(cancellationToken);
        return new Stream(this);
    }

    public void Dispose() => Disposed = true;

    private sealed class Stream(FakeAgentGateway gateway) : IFindingStream
    {
        public Task<FindingBatchAck> SendAsync(FindingBatch batch, CancellationToken cancellationToken)
        {
            gateway.Batches.Enqueue(batch.Clone());
            gateway.CallOrder.Enqueue("Batch " + batch.BatchId);
            return Task.FromResult(gateway.OnBatch(batch));
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    public sealed record RecordedRenewal(RenewLeaseRequest Request, DateTimeOffset At, TimeSpan Timeout);
}
