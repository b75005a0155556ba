using System.Net;

namespace SecPlatform.ControlPlane.Hosting;

/// <summary>
/// How agents on other machines reach this control plane: its public base URL (<c>--public-url</c>, by default the
/// listen URL with a wildcard host replaced by the machine's host name) and, over TLS, the pin of its key.
/// Shown to admins (token creation, discovery document) for the install commands.
/// </summary>
public sealed class PublicEndpoint(ListenAddresses listen, string? configuredUrl, string? pin, GrpcEndpoint endpoint)
{
    /// <summary>The key pin (<c>sha256//...</c>); null when serving plain http.</summary>
    public string? Pin { get; } = pin;

    /// <summary>The public base URL without a trailing slash; read after start (a port 0 listen URL gets its real port).</summary>
    public string Url => configuredUrl?.TrimEnd('/') ?? Derived();

    /// <summary>Checks a <c>--public-url</c> value: an absolute http(s) URL without path, query or fragment.</summary>
    public static string? Validate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new InvalidOperationException($"--public-url must be a base URL such as https://cp.example.com:8443 (no path): '{value}'");
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    private string Derived()
    {
        var host = listen.BaseUrl.Host;
        if (listen.Address is { } address && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            host = Dns.GetHostName();
        }

        var port = endpoint.BasePort != 0 ? endpoint.BasePort : listen.BasePort;
        return new UriBuilder(listen.BaseUrl.Scheme, host, port).Uri.GetLeftPart(UriPartial.Authority);
    }
}
