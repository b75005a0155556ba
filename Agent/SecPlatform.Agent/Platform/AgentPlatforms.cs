namespace SecPlatform.Agent.Platform;

/// <summary>Picks the <see cref="IAgentPlatform"/> of the OS this process runs on.</summary>
public static class AgentPlatforms
{
    public static IAgentPlatform Current { get; } = Create();

    private static IAgentPlatform Create()
    {
        if (OperatingSystem.IsWindows())
        {
            return new WindowsAgentPlatform();
        }

        if (OperatingSystem.IsMacOS())
        {
            return new UnixAgentPlatform("macos", "/Library/Application Support/SecPlatform/Agent");
        }

        var name = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsFreeBSD() ? "freebsd" : "unix";
        return new UnixAgentPlatform(name, "/var/lib/secplat-agent");
    }
}
