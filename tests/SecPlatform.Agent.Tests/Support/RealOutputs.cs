using System.Net;
using System.Net.Sockets;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Output of the real scanners on the known targets, for parser tests (parsers are tested on real output).</summary>
public static class RealOutputs
{
    public static async Task<(byte[] Output, string File)> ShellCheckAsync(string directory)
    {
        var file = Path.Combine(directory, "copy.sh");
        await File.WriteAllTextAsync(file, ScanTargets.ShellScript);
        return ((await RealTool.RunAsync("shellcheck", ["-f", "json1", "--norc", "--", file], directory)).Stdout, file);
    }

    public static async Task<(byte[] Output, string File)> FlawfinderAsync(string directory)
    {
        var file = Path.Combine(directory, "copy.c");
        await File.WriteAllTextAsync(file, ScanTargets.CSource);
        return ((await RealTool.RunAsync("flawfinder", ["--sarif", "--", file], directory)).Stdout, file);
    }

    public static async Task<byte[]> SecretlintAsync(string directory)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "credentials"), ScanTargets.AwsCredentials);
        await File.WriteAllTextAsync(Path.Combine(directory, "app.js"), ScanTargets.JavaScriptWithToken);
        return (await RealTool.RunAsync("secretlint",
            ["--secretlintrcJSON", """{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}""", "--format", "@secretlint/secretlint-formatter-sarif", "--", "**/*"],
            directory)).Stdout;
    }

    public static async Task<(byte[] Output, string File)> BanditAsync(string directory, string source)
    {
        var file = Path.Combine(directory, "code.py");
        await File.WriteAllTextAsync(file, source);
        return ((await RealTool.RunAsync("bandit", ["-r", "-f", "json", "-q", "--ini", "/dev/null", "--", file], directory)).Stdout, file);
    }

    public static async Task<(byte[] Output, int OpenPort)> NmapAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var output = await RealTool.RunAsync("nmap", ["-sT", "-Pn", "-n", "-p", port.ToString(), "-oX", "-", "127.0.0.1"], Path.GetTempPath());
        return (output.Stdout, port);
    }
}
