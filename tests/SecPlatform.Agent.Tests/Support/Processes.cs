using System.Runtime.Versioning;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Process checks for kill tests (Linux /proc).</summary>
[SupportedOSPlatform("linux")]
public static class Processes
{
    /// <summary>True while <paramref name="pid"/> runs; a zombie (dead, not yet reaped) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ..." - the state follows the last ')', since comm may hold spaces or parentheses.
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for all of <paramref name="pids"/> to be gone; returns those still alive.</summary>
    public static async Task<IReadOnlyList<int>> WaitGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var list = pids.ToList();
        while (true)
        {
            var alive = list.Where(IsAlive).ToList();
            if (alive.Count == 0 || DateTime.UtcNow > deadline)
            {
                return alive;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Reads the pids a test script wrote, one per line, waiting until there are <paramref name="count"/>.</summary>
    public static async Task<IReadOnlyList<int>> ReadPidsAsync(string file, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pids = File.Exists(file)
                ? File.ReadAllLines(file).Where(line => int.TryParse(line, out _)).Select(int.Parse).ToList()
                : [];
            if (pids.Count >= count)
            {
                return pids;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {pids.Count} of {count} pids appeared in {file}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Kills leftovers so a failing test does not leave sleepers behind.</summary>
    public static void KillAll(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }
}
