namespace SecPlatform.ControlPlane.Hosting;

/// <summary>Where the service listens and keeps its files (root configuration keys; command line <c>--data-dir</c>, <c>--urls</c>, <c>--grpc-port</c>, <c>--public-url</c>, <c>--downloads-dir</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>The data directory: the LiteDB file, the first-start admin key. Default: <see cref="Contracts.Client.DataDirectory.Default"/>.</summary>
    public string? DataDir { get; set; }

    /// <summary>The one base URL (HTTP/1.1: /healthz, discovery, JSON API). Default http://127.0.0.1:8080.</summary>
    public string? Urls { get; set; }

    /// <summary>The port serving gRPC over HTTP/2 on the same host. Default: the base port + 1 (0 when the base port is 0).</summary>
    public int? GrpcPort { get; set; }

    /// <summary>The base URL agents on other machines are given (install commands). Default: the listen URL, a wildcard host
    /// replaced by the machine's host name.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The directory whose files <c>GET /downloads/</c> serves (agent packages, installers). Default: <c>{data dir}/downloads</c>.</summary>
    public string? DownloadsDir { get; set; }
}
