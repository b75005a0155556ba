using SecPlatform.Agent.Gateway;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Hands out one <see cref="FakeAgentGateway"/> and remembers how it was asked for.</summary>
public sealed class FakeAgentGatewayFactory(FakeAgentGateway gateway) : IAgentGatewayFactory
{
    public List<(Uri Server, SecretToken? Key)> Created { get; } = [];

    public List<string?> Pins { get; } = [];

    public IAgentGateway Create(Uri server, SecretToken? agentKey, string? serverPin)
    {
        Created.Add((server, agentKey));
        Pins.Add(serverPin);
        return gateway;
    }
}
