using System.Net.Http.Json;
using Grpc.Net.Client;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// Turns the one base URL users are given (<c>--server URL</c>) into a gRPC channel: fetches the
/// discovery document over HTTP/1.1 and connects to the gRPC port it names, on the same host.
/// With a pin, the discovery request and every call go through one <see cref="PinnedHandler"/>, so
/// nothing reaches a server whose key does not have the pin.
/// </summary>
public static class ControlPlaneEndpoint
{
    /// <summary>Fetches the discovery document behind <paramref name="baseUrl"/>.</summary>
    /// <exception cref="ControlPlaneUnreachableException">The base URL does not answer with a discovery document.</exception>
    public static async Task<DiscoveryDocument> DiscoverAsync(Uri baseUrl, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(15);
        DiscoveryDocument? document;
        try
        {
            document = await http.GetFromJsonAsync<DiscoveryDocument>(new Uri(baseUrl, DiscoveryDocument.Path), cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException tls)
        {
            throw new ControlPlaneUnreachableException(
                $"cannot reach the control plane at {baseUrl}: its TLS certificate is not trusted ({tls.Message}); for a self-signed certificate give the server's pin (sha256//...)", e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or NotSupportedException)
        {
            throw new ControlPlaneUnreachableException($"cannot reach the control plane at {baseUrl}: {e.Message}", e);
        }

        if (document is null || document.GrpcPort is <= 0 or > 65535)
        {
            throw new ControlPlaneUnreachableException($"{baseUrl} did not answer with a SecPlatform discovery document");
        }

        return document;
    }

    /// <summary>Resolves the gRPC address behind <paramref name="baseUrl"/>.</summary>
    /// <exception cref="ControlPlaneUnreachableException">The base URL does not answer with a discovery document.</exception>
    public static async Task<Uri> ResolveGrpcAddressAsync(Uri baseUrl, HttpMessageHandler? handler, CancellationToken cancellationToken) =>
        GrpcAddress(baseUrl, await DiscoverAsync(baseUrl, handler, cancellationToken));

    /// <summary>
    /// Connects to the control plane behind <paramref name="baseUrl"/>. When <paramref name="bearerToken"/>
    /// is given, every call carries <c>authorization: Bearer {token}</c>. When <paramref name="pin"/> is given
    /// (<see cref="ServerPin"/>), a TLS server must present a key with that pin (<see cref="ControlPlaneUntrustedException"/>
    /// otherwise, before anything is sent); without one, https uses the normal CA validation.
    /// </summary>
    public static async Task<ControlPlaneConnection> ConnectAsync(Uri baseUrl, string? bearerToken, CancellationToken cancellationToken,
        HttpMessageHandler? handler = null, string? pin = null)
    {
        if (handler is not null && pin is not null)
        {
            throw new ArgumentException("give either an HTTP handler or a pin, not both", nameof(pin));
        }

        DiscoveryDocument document;
        // Two handlers with the same pin: the gRPC channel configures its handler itself, so it cannot take one already used.
        var discoveryHandler = handler is null ? new PinnedHandler(pin) : null;
        try
        {
            document = await DiscoverAsync(baseUrl, handler ?? discoveryHandler!.Handler, cancellationToken);
        }
        catch (ControlPlaneUnreachableException) when (discoveryHandler?.RefusedPin is { } refused)
        {
            throw new ControlPlaneUntrustedException(baseUrl, pin!, refused);
        }
        finally
        {
            discoveryHandler?.Handler.Dispose();
        }

        var channelHandler = handler is null ? new PinnedHandler(pin).Handler : null;
        var options = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            HttpHandler = handler ?? channelHandler,
            DisposeHttpClient = false,
        };
        return new ControlPlaneConnection(GrpcChannel.ForAddress(GrpcAddress(baseUrl, document), options), bearerToken, document, channelHandler);
    }

    private static Uri GrpcAddress(Uri baseUrl, DiscoveryDocument document)
    {
        var scheme = string.IsNullOrEmpty(document.GrpcScheme) ? baseUrl.Scheme : document.GrpcScheme;
        return new UriBuilder(scheme, baseUrl.Host, document.GrpcPort).Uri;
    }
}
