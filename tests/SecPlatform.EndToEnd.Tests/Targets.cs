namespace SecPlatform.EndToEnd.Tests;

/// <summary>Scan targets with known defects.</summary>
public static class Targets
{
    /// <summary>shellcheck reports 7 findings: SC2045 and SC2086 three times on line 3, SC2046, SC2005 and SC2006 on line 4.</summary>
    public const string ShellScript = "#!/bin/bash\n# copies files\nfor f in $(ls $1); do cp $f $2; done\necho `date`\n";

    public const int ShellScriptFindings = 7;

    public static string Write(string root, string relative, string content = ShellScript)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Waits (real time) until <paramref name="done"/>; the message says what was awaited.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up after {timeout}: {what()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Running, as /proc shows it; a zombie (killed, not yet reaped by its parent) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
