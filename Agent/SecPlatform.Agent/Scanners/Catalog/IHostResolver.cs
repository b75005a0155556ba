using System.Net;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>Resolves host names (DNS in production; tests give their own answers).</summary>
public interface IHostResolver
{
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken);
}
