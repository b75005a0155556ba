using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// Linux: finds every process whose environment (<c>/proc/PID/environ</c>) carries the run's marker, stops them all
/// (SIGSTOP: a stopped process cannot fork), looks again until no new one appears, then kills them (SIGKILL). The
/// marker is unique per run, so a reused pid or another run's processes are never touched, and children that
/// daemonized (re-parented to init) are found all the same. A process that scrubs its own environment on exec would
/// escape; no scanner in the catalog does.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class LinuxProcessTreeKiller : IProcessTreeKiller
{
    private const int SignalKill = 9;
    private const int SignalStop = 19;
    private const int MaxRounds = 50;

    public void KillTree(int processId, string marker) => KillMarked(marker);

    public int KillLeftovers(string marker) => KillMarked(marker);

    private static int KillMarked(string marker)
    {
        var needle = Encoding.UTF8.GetBytes($"{IProcessTreeKiller.MarkerVariable}={marker}\0");
        var stopped = new HashSet<int>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var found = FindMarked(needle).Where(stopped.Add).ToList();
            if (found.Count == 0)
            {
                break;
            }

            foreach (var pid in found)
            {
                SendSignal(pid, SignalStop);
            }
        }

        foreach (var pid in stopped)
        {
            SendSignal(pid, SignalKill);
        }

        // Dead processes show an empty environment; anything still listed slipped between a look and a stop.
        for (var round = 0; round < MaxRounds; round++)
        {
            var left = FindMarked(needle).ToList();
            if (left.Count == 0)
            {
                break;
            }

            foreach (var pid in left)
            {
                stopped.Add(pid);
                SendSignal(pid, SignalKill);
            }

            Thread.Sleep(10);
        }

        return stopped.Count;
    }

    private static IEnumerable<int> FindMarked(byte[] needle)
    {
        var self = Environment.ProcessId;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == self)
            {
                continue;
            }

            byte[] environment;
            try
            {
                environment = File.ReadAllBytes(Path.Combine(entry, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's process (never ours to kill).
                continue;
            }

            if (HasEntry(environment, needle))
            {
                yield return pid;
            }
        }
    }

    private static bool HasEntry(ReadOnlySpan<byte> environment, ReadOnlySpan<byte> needle)
    {
        var offset = 0;
        while (offset < environment.Length)
        {
            var index = environment[offset..].IndexOf(needle);
            if (index < 0)
            {
                return false;
            }

            var at = offset + index;
            if (at == 0 || environment[at - 1] == 0)
            {
                return true;
            }

            offset = at + 1;
        }

        return false;
    }

    private static void SendSignal(int pid, int signal) => _ = Kill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
