namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// Stand-ins put first on an agent's PATH, under the real scanners' names: the control plane only queues scanners of
/// the contract's catalog and only hands them to agents that report them, so a test that needs a slow or stubborn
/// scan wraps a real scanner rather than adding a test-only catalog entry (which no command can reach). Each shim
/// passes the version probe straight to the real tool. Scans leave files in a control directory, named after the last
/// argument's file name (the scan target): <c>NAME.started</c> when the scan begins.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ScannerShims
{
    /// <summary>A shim that waits (up to 2 minutes) until the test creates <c>NAME.release</c>, then runs the real tool.</summary>
    public static void Gated(string shimDir, string controlDir, string tool) =>
        Write(shimDir, tool, $"""
            echo $$ > "{controlDir}/$name.started"
            n=0
            while [ ! -e "{controlDir}/$name.release" ]; do
              sleep 0.1
              n=$((n+1))
              [ "$n" -ge 1200 ] && exit 3
            done
            exec {RealPath(tool)} "$@"
            """);

    /// <summary>A shim that never finishes: it starts a child and a grandchild (<c>sleep</c>), writes the pids of all
    /// four processes to <c>NAME.pids</c> and waits for them.</summary>
    public static void Tree(string shimDir, string controlDir, string tool) =>
        Write(shimDir, tool, $"""
            pids="{controlDir}/$name.pids"
            sleep 300 &
            echo $! >> "$pids"
            sh -c 'sleep 300 & echo $! >> "$1"; wait' tree "$pids" &
            echo $! >> "$pids"
            echo $$ >> "$pids"
            echo $$ > "{controlDir}/$name.started"
            wait
            """);

    /// <summary>A shim that records each scan's arguments in <c>invocations</c> (one line each) and then runs the real tool.</summary>
    public static void Recording(string shimDir, string controlDir, string tool) =>
        Write(shimDir, tool, $"""
            echo "$*" >> "{controlDir}/invocations"
            exec {RealPath(tool)} "$@"
            """);

    /// <summary>PATH with <paramref name="shimDir"/> first.</summary>
    public static string Path(string shimDir) => shimDir + System.IO.Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

    public static string RealPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(directory => System.IO.Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not installed (bash tests/install-deps.sh)");

    private static void Write(string shimDir, string tool, string scan)
    {
        Directory.CreateDirectory(shimDir);
        var path = System.IO.Path.Combine(shimDir, tool);
        File.WriteAllText(path, $"""
            #!/bin/sh
            # Test shim for {tool}.
            case "$1" in --version) exec {RealPath(tool)} "$@" ;; esac
            for last in "$@"; do :; done
            name=$(basename "$last")
            {scan}

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
