using System.Net;

namespace SecPlatform.ControlPlane.Core.Services;

public static class PeerAddress
{
    /// <summary>IPv4-mapped IPv6 (::ffff:10.0.0.1) becomes plain IPv4, so CIDR checks and throttling see one address.</summary>
    public static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
