using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Gateway;

/// <summary>Creates gateways; <paramref name="agentKey"/> is null only for <c>Register</c>. With <paramref name="serverPin"/>,
/// the gateway talks only to a TLS server whose key has that pin.</summary>
public interface IAgentGatewayFactory
{
    IAgentGateway Create(Uri server, SecretToken? agentKey, string? serverPin);
}
