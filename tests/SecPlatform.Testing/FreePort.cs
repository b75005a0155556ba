using System.Net;
using System.Net.Sockets;

namespace SecPlatform.Testing;

public static class FreePort
{
    /// <summary>A loopback port free right now (and, when <paramref name="alsoNext"/>, the one after it too).</summary>
    public static int Find(bool alsoNext = false)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (!alsoNext)
            {
                return port;
            }

            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another pair.
            }
        }

        throw new InvalidOperationException("no free pair of loopback ports found");
    }
}
