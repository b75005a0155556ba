using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// A gRPC connection to the control plane. Build clients on <see cref="Invoker"/>, e.g.
/// <c>new AgentGateway.AgentGatewayClient(connection.Invoker)</c>; it adds the bearer key to every call.
/// </summary>
public sealed class ControlPlaneConnection : IDisposable
{
    private readonly IDisposable? _ownedHandler;

    internal ControlPlaneConnection(GrpcChannel channel, string? bearerToken, DiscoveryDocument discovery, IDisposable? ownedHandler)
    {
        Channel = channel;
        Discovery = discovery;
        _ownedHandler = ownedHandler;
        Invoker = string.IsNullOrEmpty(bearerToken)
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", $"Bearer {bearerToken}");
                return metadata;
            });
    }

    public GrpcChannel Channel { get; }

    public CallInvoker Invoker { get; }

    /// <summary>What the control plane announced: its version, its public URL and key pin (when it serves TLS).</summary>
    public DiscoveryDocument Discovery { get; }

    public void Dispose()
    {
        Channel.Dispose();
        _ownedHandler?.Dispose();
    }
}
