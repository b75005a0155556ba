using System.Net;
using SecPlatform.Agent.Policy;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// The parameters of a scan after the agent checked them against its policy: what the scanner will actually be
/// given. <see cref="Path"/> is the real path (symbolic links resolved), <see cref="Address"/> the one address a host
/// name resolved to (the name is resolved once, and the address is what gets scanned).
/// </summary>
public sealed record ScanTarget(
    string? Path = null,
    bool IsDirectory = false,
    string? Host = null,
    IPAddress? Address = null,
    IReadOnlyList<PortRange>? Ports = null)
{
    /// <summary>The ports in canonical form (<c>22,80,8000-8100</c>).</summary>
    public string? PortList => Ports is null ? null : string.Join(',', Ports);

    /// <summary>The directory a path scanner runs in: the target directory, or the directory holding the target file.</summary>
    public string? Directory => Path is null ? null : IsDirectory ? Path : System.IO.Path.GetDirectoryName(Path);
}
