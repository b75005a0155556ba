using System.Text.Json.Serialization;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// What <c>GET {base}/.well-known/secplatform</c> answers. Kestrel serves gRPC (HTTP/2) on its own port
/// because cleartext HTTP/2 cannot share a port with HTTP/1.1; clients are given only the base URL
/// and find the gRPC port here.
/// </summary>
public sealed record DiscoveryDocument(
    [property: JsonPropertyName("grpcPort")] int GrpcPort,
    [property: JsonPropertyName("grpcScheme")] string GrpcScheme,
    [property: JsonPropertyName("version")] string Version)
{
    public const string Path = "/.well-known/secplatform";
}
