using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Gateway;

/// <summary>Creates <see cref="GrpcAgentGateway"/>s: real gRPC to the control plane.</summary>
public sealed class GrpcAgentGatewayFactory(TimeProvider timeProvider) : IAgentGatewayFactory
{
    public IAgentGateway Create(Uri server, SecretToken? agentKey, string? serverPin) => new GrpcAgentGateway(server, agentKey, timeProvider, serverPin);
}
