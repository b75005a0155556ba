namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>Picks the <see cref="IProcessTreeKiller"/> of the OS this process runs on.</summary>
public static class ProcessTreeKillers
{
    public static IProcessTreeKiller Current { get; } = OperatingSystem.IsLinux() ? new LinuxProcessTreeKiller() : new PortableProcessTreeKiller();
}
