using System.Text.Json.Serialization;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// What <c>GET {base}/.well-known/secplatform</c> answers. Kestrel serves gRPC (HTTP/2) on its own port
/// because cleartext HTTP/2 cannot share a port with HTTP/1.1; clients are given only the base URL
/// and find the gRPC port here. Over TLS it also names the server's key pin and its public base URL
/// (informative only: a client trusts the pin it was given, never one it reads here).
/// </summary>
public sealed record DiscoveryDocument(
    [property: JsonPropertyName("grpcPort")] int GrpcPort,
    [property: JsonPropertyName("grpcScheme")] string GrpcScheme,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("pin"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pin = null,
    [property: JsonPropertyName("publicUrl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PublicUrl = null)
{
    public const string Path = "/.well-known/secplatform";
}
