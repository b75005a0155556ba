using System.Collections.Concurrent;
using Google.Protobuf;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>What the fake control plane received, for assertions.</summary>
public sealed class FakeState
{
    public ConcurrentQueue<IMessage> Requests { get; } = new();

    public TRequest Last<TRequest>() where TRequest : IMessage => Requests.OfType<TRequest>().Last();

    public TRequest Record<TRequest>(TRequest request) where TRequest : IMessage
    {
        Requests.Enqueue(request);
        return request;
    }
}
