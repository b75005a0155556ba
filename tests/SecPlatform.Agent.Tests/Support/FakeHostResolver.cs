using System.Net;
using System.Net.Sockets;
using SecPlatform.Agent.Scanners.Catalog;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Answers host names from a table; unknown names do not resolve. Records every question.</summary>
public sealed class FakeHostResolver : IHostResolver
{
    public Dictionary<string, IPAddress[]> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Asked { get; } = [];

    public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        lock (Asked)
        {
            Asked.Add(host);
        }

        return Answers.TryGetValue(host, out var addresses)
            ? Task.FromResult<IReadOnlyList<IPAddress>>(addresses)
            : Task.FromException<IReadOnlyList<IPAddress>>(new SocketException((int)SocketError.HostNotFound));
    }
}
