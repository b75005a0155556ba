using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Gateway;

/// <summary>
/// The agent's calls to the control plane, a thin seam over the generated <c>AgentGateway</c> client so
/// the lease loop and the verbs can be tested without a server. Failures surface as
/// <see cref="Grpc.Core.RpcException"/>; an unreachable control plane is <c>Unavailable</c>.
/// Every call is bounded by <c>timeout</c> (sent as the gRPC deadline).
/// </summary>
public interface IAgentGateway : IDisposable
{
    Task<RegisterResponse> RegisterAsync(RegisterRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task<RenewLeaseResponse> RenewLeaseAsync(RenewLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(ReleaseLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task DeregisterAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
