using System.Net;

namespace SecPlatform.ControlPlane.Hosting;

/// <summary>
/// The base URL and the gRPC port derived from it. Cleartext HTTP/2 cannot share a port with HTTP/1.1
/// in Kestrel (HTTP_1_1_REQUIRED), so gRPC gets a second port, announced by the discovery document.
/// Plain http is for loopback binds only: anything reachable from other machines is served over TLS.
/// </summary>
public sealed record ListenAddresses(Uri BaseUrl, IPAddress? Address, bool Localhost, int BasePort, int GrpcPort)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static ListenAddresses From(ServerOptions options)
    {
        var text = string.IsNullOrWhiteSpace(options.Urls) ? DefaultUrl : options.Urls.Trim();
        if (text.Contains(';'))
        {
            throw new InvalidOperationException($"--urls takes one base URL, not a list: '{text}'");
        }

        // Kestrel's wildcard forms are not valid URI hosts.
        var normalized = text.Replace("://*:", "://0.0.0.0:").Replace("://+:", "://0.0.0.0:");
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"--urls must be one base URL such as {DefaultUrl} or https://0.0.0.0:8443 (no path): '{text}'");
        }

        var localhost = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        IPAddress? address = null;
        if (!localhost && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out address))
        {
            throw new InvalidOperationException($"--urls host must be an IP address or localhost: '{uri.Host}'");
        }

        var loopback = localhost || IPAddress.IsLoopback(address!);
        if (uri.Scheme == Uri.UriSchemeHttp && !loopback)
        {
            throw new InvalidOperationException(
                $"plain http is served on loopback only (127.0.0.1, ::1, localhost); use https:// to listen on {uri.Host}: '{text}'");
        }

        var grpcPort = options.GrpcPort ?? (uri.Port == 0 ? 0 : uri.Port + 1);
        if (grpcPort is < 0 or > 65535)
        {
            throw new InvalidOperationException($"the gRPC port must be between 0 and 65535: {grpcPort}");
        }

        return new ListenAddresses(uri, address, localhost, uri.Port, grpcPort);
    }

    /// <summary>True for an https base URL: both ports serve TLS.</summary>
    public bool Tls => BaseUrl.Scheme == Uri.UriSchemeHttps;

    /// <summary>The hosts of the listen URL a generated certificate should name.</summary>
    public IEnumerable<string> Hosts => [BaseUrl.Host.Trim('[', ']')];
}
