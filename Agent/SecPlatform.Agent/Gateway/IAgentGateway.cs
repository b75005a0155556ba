using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Gateway;

/// <summary>
/// The agent's calls to the control plane, a thin seam over the generated <c>AgentGateway</c> client so
/// the daemon's loops and the verbs can be tested without a server. Failures surface as
/// <see cref="Grpc.Core.RpcException"/>; an unreachable control plane is <c>Unavailable</c>.
/// Every call is bounded by <c>timeout</c> (sent as the gRPC deadline).
/// </summary>
public interface IAgentGateway : IDisposable
{
    Task<RegisterResponse> RegisterAsync(RegisterRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task<RenewLeaseResponse> RenewLeaseAsync(RenewLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(ReleaseLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task DeregisterAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The long poll: <paramref name="timeout"/> must leave room for the request's <c>wait_seconds</c>.</summary>
    Task<PullCommandsResponse> PullCommandsAsync(PullCommandsRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task<StartCommandResponse> StartCommandAsync(StartCommandRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task<ReportProgressResponse> ReportProgressAsync(ReportProgressRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task<CompleteCommandResponse> CompleteCommandAsync(CompleteCommandRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Opens one <c>StreamFindings</c> call; <paramref name="timeout"/> bounds the whole stream.</summary>
    Task<IFindingStream> OpenFindingStreamAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
