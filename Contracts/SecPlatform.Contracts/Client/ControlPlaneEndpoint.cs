using System.Net.Http.Json;
using Grpc.Net.Client;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// Turns the one base URL users are given (<c>--server URL</c>) into a gRPC channel: fetches the
/// discovery document over HTTP/1.1 and connects to the gRPC port it names, on the same host.
/// </summary>
public static class ControlPlaneEndpoint
{
    /// <summary>Resolves the gRPC address behind <paramref name="baseUrl"/>.</summary>
    /// <exception cref="ControlPlaneUnreachableException">The base URL does not answer with a discovery document.</exception>
    public static async Task<Uri> ResolveGrpcAddressAsync(Uri baseUrl, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(15);
        DiscoveryDocument? document;
        try
        {
            document = await http.GetFromJsonAsync<DiscoveryDocument>(new Uri(baseUrl, DiscoveryDocument.Path), cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or NotSupportedException)
        {
            throw new ControlPlaneUnreachableException($"cannot reach the control plane at {baseUrl}: {e.Message}", e);
        }

        if (document is null || document.GrpcPort is <= 0 or > 65535)
        {
            throw new ControlPlaneUnreachableException($"{baseUrl} did not answer with a SecPlatform discovery document");
        }

        var scheme = string.IsNullOrEmpty(document.GrpcScheme) ? baseUrl.Scheme : document.GrpcScheme;
        return new UriBuilder(scheme, baseUrl.Host, document.GrpcPort).Uri;
    }

    /// <summary>
    /// Connects to the control plane behind <paramref name="baseUrl"/>. When <paramref name="bearerToken"/>
    /// is given, every call carries <c>authorization: Bearer {token}</c>.
    /// </summary>
    public static async Task<ControlPlaneConnection> ConnectAsync(Uri baseUrl, string? bearerToken, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        var address = await ResolveGrpcAddressAsync(baseUrl, handler, cancellationToken);
        var options = new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 };
        if (handler is not null)
        {
            options.HttpHandler = handler;
            options.DisposeHttpClient = false;
        }

        return new ControlPlaneConnection(GrpcChannel.ForAddress(address, options), bearerToken);
    }
}
