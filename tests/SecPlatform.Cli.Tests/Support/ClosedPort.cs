using System.Net;
using System.Net.Sockets;

namespace SecPlatform.Cli.Tests.Support;

/// <summary>A loopback port nothing listens on (bound once by the OS, then released).</summary>
public static class ClosedPort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
