using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Gateway;

/// <summary>Creates gateways; <paramref name="agentKey"/> is null only for <c>Register</c>.</summary>
public interface IAgentGatewayFactory
{
    IAgentGateway Create(Uri server, SecretToken? agentKey);
}
