namespace SecPlatform.Agent.Cli;

/// <summary>Checks the <c>--server</c> base URL (the same one <c>secplat --server</c> takes).</summary>
public static class ServerUrl
{
    public static Uri Parse(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        throw new AgentCliException(AgentExitCode.Usage, $"--server takes the control plane's base URL (http://host:port or https://host:port), got '{value}'");
    }
}
