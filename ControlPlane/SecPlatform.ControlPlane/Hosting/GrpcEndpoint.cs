using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SecPlatform.ControlPlane.Hosting;

/// <summary>The Kestrel endpoint serving gRPC; after start it knows the port actually bound (also when 0 was asked for).</summary>
public sealed class GrpcEndpoint
{
    internal ListenOptions? Listen { get; set; }

    internal ListenOptions? BaseListen { get; set; }

    public int Port => Listen?.IPEndPoint?.Port ?? 0;

    public int BasePort => BaseListen?.IPEndPoint?.Port ?? 0;
}
