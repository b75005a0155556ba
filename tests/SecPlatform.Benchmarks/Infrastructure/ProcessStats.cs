using System.Globalization;

namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>CPU time and resident memory of a process, read from /proc (Linux).</summary>
internal readonly record struct ProcessStats(TimeSpan CpuTime, long RssBytes, long PeakRssBytes, DateTime At)
{
    // USER_HZ is 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public static ProcessStats? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 3, utime 14, stime 15.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) * 1024;
                }
            }

            return new ProcessStats(TimeSpan.FromSeconds(ticks / TicksPerSecond), rss, peak, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Average CPU use between two samples, in percent of one core.</summary>
    public static double CpuPercent(ProcessStats from, ProcessStats to) =>
        (to.CpuTime - from.CpuTime).TotalSeconds / Math.Max(1e-9, (to.At - from.At).TotalSeconds) * 100;

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
