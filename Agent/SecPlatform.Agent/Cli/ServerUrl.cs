using System.Net;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// Checks the <c>--server</c> base URL (the same one <c>secplat --server</c> takes) and the <c>--pin</c> of its key.
/// Plain http only to a loopback host: anything else would send the token and the agent key in the clear.
/// </summary>
public static class ServerUrl
{
    public static Uri Parse(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new AgentCliException(AgentExitCode.Usage, $"--server takes the control plane's base URL (https://host:port), got '{value}'");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new AgentCliException(AgentExitCode.Usage,
                $"plain http is allowed to a loopback control plane only; use its https:// URL and --pin: '{value}'");
        }

        return uri;
    }

    /// <summary>The pin for <paramref name="server"/>: required form when given; only meaningful (so only accepted) with https.</summary>
    public static string? ParsePin(string? value, Uri server)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!ServerPin.TryParse(value, out var pin))
        {
            throw new AgentCliException(AgentExitCode.Usage, $"--pin takes {ServerPin.FormatHint}, got '{value}'");
        }

        if (server.Scheme != Uri.UriSchemeHttps)
        {
            throw new AgentCliException(AgentExitCode.Usage, "--pin applies to an https:// server only");
        }

        return pin;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
