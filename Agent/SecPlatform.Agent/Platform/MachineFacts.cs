using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SecPlatform.Agent.Platform;

/// <summary>What the agent tells the control plane about the machine and itself.</summary>
public sealed record MachineFacts(string Hostname, string OperatingSystem, string Architecture, string AgentVersion)
{
    public static MachineFacts Detect(IAgentPlatform platform) =>
        new(Dns.GetHostName(), platform.OperatingSystemName, ArchitectureName(RuntimeInformation.OSArchitecture), CurrentAgentVersion);

    /// <summary>The assembly's informational version (e.g. <c>0.1.0+commit</c>).</summary>
    public static string CurrentAgentVersion { get; } =
        typeof(MachineFacts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(MachineFacts).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public static string ArchitectureName(System.Runtime.InteropServices.Architecture architecture) => architecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x64",
        System.Runtime.InteropServices.Architecture.X86 => "x86",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        _ => architecture.ToString().ToLowerInvariant(),
    };
}
