using System.ComponentModel;
using System.Diagnostics;

namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// Windows and macOS: <see cref="Process.Kill(bool)"/> with the entire tree (which stops each process before listing
/// its children). Children that already left the tree are out of its reach; a Windows job object would close that gap.
/// </summary>
public sealed class PortableProcessTreeKiller : IProcessTreeKiller
{
    public void KillTree(int processId, string marker)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or AggregateException or NotSupportedException)
        {
            // Already gone.
        }
    }

    public int KillLeftovers(string marker) => 0;
}
