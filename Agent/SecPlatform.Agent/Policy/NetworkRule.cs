using System.Net;
using System.Net.Sockets;

namespace SecPlatform.Agent.Policy;

/// <summary>
/// One allowed network target: a CIDR block and, optionally, the ports that may be scanned in it
/// (<c>127.0.0.0/8</c>, <c>127.0.0.1/32:22,80,8000-8100</c>, <c>::1/128:22</c>). Without ports, every port is allowed.
/// A bare address is a block of one (<c>/32</c> or <c>/128</c>).
/// </summary>
public sealed record NetworkRule(IPNetwork Network, IReadOnlyList<PortRange>? Ports)
{
    public bool Contains(IPAddress address) => Network.Contains(Normalize(address));

    public IEnumerable<PortRange> AllowedPorts => Ports ?? [new PortRange(1, 65535)];

    public override string ToString() => Ports is null ? Network.ToString() : $"{Network}:{string.Join(',', Ports)}";

    /// <summary>IPv4 addresses written as IPv6 (<c>::ffff:127.0.0.1</c>) are checked, and scanned, as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static NetworkRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException(error);

    public static bool TryParse(string text, out NetworkRule rule, out string error)
    {
        rule = null!;
        text = text.Trim();
        if (text.Length is 0 or > 1024)
        {
            error = "a network must be a CIDR block such as 10.0.0.0/8, optionally followed by :ports";
            return false;
        }

        // The prefix length is digits after the '/': a ':' after it starts the ports (IPv6 addresses hold ':' too).
        string cidr;
        string? ports = null;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var colon = text.IndexOf(':', slash);
            (cidr, ports) = colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
        }
        else if (IPAddress.TryParse(text, out var bare))
        {
            cidr = $"{bare}/{(bare.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)}";
        }
        else
        {
            error = $"'{Shorten(text)}' is not a CIDR block such as 10.0.0.0/8 or 127.0.0.1/32:22,80 (ports need the /prefix)";
            return false;
        }

        var separator = cidr.IndexOf('/');
        if (!IPAddress.TryParse(cidr[..separator], out var address) || !IPNetwork.TryParse(cidr, out var network))
        {
            error = $"'{Shorten(text)}' is not a CIDR block such as 10.0.0.0/8";
            return false;
        }

        if (!network.BaseAddress.Equals(address))
        {
            error = $"'{Shorten(cidr)}' has bits set after the /{network.PrefixLength} prefix; write {network} (or a longer prefix)";
            return false;
        }

        IReadOnlyList<PortRange>? portRanges = null;
        if (ports is not null)
        {
            if (!PortRange.TryParseList(ports, out var parsed, out var portError))
            {
                error = $"'{Shorten(text)}': ports {portError}";
                return false;
            }

            portRanges = parsed;
        }

        rule = new NetworkRule(network, portRanges);
        error = "";
        return true;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
