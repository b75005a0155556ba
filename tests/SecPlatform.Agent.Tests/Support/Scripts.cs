using System.Runtime.Versioning;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Executable shell scripts for tests.</summary>
[UnsupportedOSPlatform("windows")]
public static class Scripts
{
    public static string Write(string path, string body)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A stub scanner that appends each argument and then an end marker, NUL-separated, to <paramref name="argvFile"/>.</summary>
    public static string ArgvRecorder(string path, string argvFile) =>
        Write(path, $"for a in \"$@\"; do printf '%s\\0' \"$a\" >> '{argvFile}'; done\nprintf '<end>\\0' >> '{argvFile}'\nexit 0");

    /// <summary>The invocations a <see cref="ArgvRecorder"/> stub recorded, each its list of arguments.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> RecordedInvocations(string argvFile)
    {
        if (!File.Exists(argvFile))
        {
            return [];
        }

        var invocations = new List<IReadOnlyList<string>>();
        var current = new List<string>();
        foreach (var item in File.ReadAllText(argvFile).Split('\0'))
        {
            if (item == "<end>")
            {
                invocations.Add(current);
                current = [];
            }
            else if (item.Length > 0 || current.Count > 0)
            {
                current.Add(item);
            }
        }

        return invocations;
    }
}
