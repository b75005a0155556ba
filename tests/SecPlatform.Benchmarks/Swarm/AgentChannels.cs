using Grpc.Net.Client;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Benchmarks.Swarm;

/// <summary>
/// A handful of gRPC channels shared by every simulated agent. Each channel multiplexes calls as HTTP/2 streams and
/// opens another connection when one is full (the server allows 100 concurrent streams per connection), so
/// 20,000 long polls need about 200 sockets, not 20,000, and no thread per agent.
/// </summary>
internal sealed class AgentChannels : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly AgentGateway.AgentGatewayClient[] _clients;
    private int _next;

    public AgentChannels(string grpcAddress, int count)
    {
        _channels = [.. Enumerable.Range(0, count).Select(_ => Create(grpcAddress))];
        _clients = [.. _channels.Select(c => new AgentGateway.AgentGatewayClient(c))];
    }

    public GrpcChannel First => _channels[0];

    /// <summary>The clients round robin, so agents spread over the channels.</summary>
    public AgentGateway.AgentGatewayClient NextClient() => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];

    public static GrpcChannel Create(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        },
        DisposeHttpClient = true,
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    });

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
