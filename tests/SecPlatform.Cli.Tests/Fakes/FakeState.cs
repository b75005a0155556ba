using System.Collections.Concurrent;
using Google.Protobuf;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>What the fake control plane received, for assertions.</summary>
public sealed class FakeState
{
    public ConcurrentQueue<IMessage> Requests { get; } = new();

    /// <summary>What CreateBootstrapToken answers as the server's pin and public URL (empty: a plain-http server of old).</summary>
    public string ServerPin { get; set; } = "";

    public string ServerUrl { get; set; } = "";

    /// <summary>The control plane's version in the discovery document.</summary>
    public string Version { get; set; } = "fake";

    public TRequest Last<TRequest>() where TRequest : IMessage => Requests.OfType<TRequest>().Last();

    public TRequest Record<TRequest>(TRequest request) where TRequest : IMessage
    {
        Requests.Enqueue(request);
        return request;
    }
}
