using System.Runtime.Versioning;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Scanners;

/// <summary>
/// Policy and argument safety, proven with a stub scanner (a test-only catalog entry) that appends its argv to a
/// file: every refused request leaves the file empty (nothing was executed), and an accepted one records exactly
/// the expected arguments.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ScanEngineSafetyTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;
    private readonly string _outside;
    private readonly string _argvFile;
    private readonly string _stub;
    private readonly FakeHostResolver _resolver = new();

    public ScanEngineSafetyTests()
    {
        var real = AgentPlatforms.Current.RealPath(_temp.Path)!;
        _root = Directory.CreateDirectory(Path.Combine(real, "allowed")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(real, "outside")).FullName;
        Directory.CreateDirectory(Path.Combine(real, "allowed-sibling"));
        File.WriteAllText(Path.Combine(real, "allowed-sibling", "file.sh"), "echo\n");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside\n");
        File.WriteAllText(Path.Combine(_root, "script.sh"), "echo $1\n");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "escape-file"), Path.Combine(_outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(_root, "inside-link"), Path.Combine(_root, "sub"));
        _argvFile = Path.Combine(real, "argv");
        _stub = Scripts.ArgvRecorder(Path.Combine(real, "stub.sh"), _argvFile);
        _resolver.Answers["inside.test"] = ScanEngines.Addresses("127.0.0.2");
        _resolver.Answers["outside.test"] = ScanEngines.Addresses("10.1.2.3");
        _resolver.Answers["mixed.test"] = ScanEngines.Addresses("127.0.0.3", "10.1.2.3");
    }

    public static TheoryData<string, string> RefusedPaths => new()
    {
        { "/etc/passwd", "outside the allowed path roots" },
        { "{outside}/secret.txt", "outside the allowed path roots" },
        { "{root}-sibling/file.sh", "outside the allowed path roots" },
        { "{root}/escape/secret.txt", "symbolic link" },
        { "{root}/escape-file", "symbolic link" },
        { "{root}/missing.sh", "does not exist" },
        { "{root}/../outside/secret.txt", "'..'" },
        { "{root}/sub/../../outside/secret.txt", "'..'" },
        { "{root}/script.sh\0", "control characters or NUL" },
        { "{root}/a\0b", "control characters or NUL" },
        { "{root}/script.sh\n--help", "control characters or NUL" },
        { "{root}/x; rm -rf /", "does not exist" },
        { "{root}/$(id)", "does not exist" },
        { "{root}/`id`", "does not exist" },
        { "{root}/script.sh; rm -rf /", "does not exist" },
        { "-rf", "absolute path" },
        { "--output=/tmp/x", "absolute path" },
        { "script.sh", "absolute path" },
        { "$(id)", "absolute path" },
        { "; rm -rf /", "absolute path" },
        { "`id`", "absolute path" },
        { "{root}/" + new string('a', 5000), "characters" },
        { "", "characters" },
    };

    [Theory]
    [MemberData(nameof(RefusedPaths))]
    public async Task RunAsync_UnsafePath_IsRefusedAndNothingRuns(string template, string reason)
    {
        var path = template.Replace("{root}", _root).Replace("{outside}", _outside);

        var run = await Engine().RunAsync("cmd-1", "argv-stub", ScanEngines.Parameters(("path", path)), CancellationToken.None);

        AssertRefused(run, reason);
    }

    public static TheoryData<string, string, string> RefusedNetworkTargets => new()
    {
        { "8.8.8.8", "22", "outside the allowed networks" },
        { "127.0.0.1", "22,23", "not all allowed" },
        { "127.0.0.1", "1-65535", "not all allowed" },
        { "outside.test", "22", "resolves to 10.1.2.3" },
        { "mixed.test", "22", "outside the allowed networks" },
        { "unknown.test", "22", "does not resolve" },
        { "127.0.0.1; id", "22", "host name" },
        { "$(id)", "22", "host name" },
        { "`id`", "22", "host name" },
        { "-oX", "22", "must not start with '-'" },
        { "-iL/etc/passwd", "22", "must not start with '-'" },
        { "127.0.0.1\0", "22", "host name" },
        { "127.0.0.1", "22;id", "not a port" },
        { "127.0.0.1", "-p-", "not a port" },
        { "127.0.0.1", "0", "outside 1-65535" },
        { "a" + new string('b', 300), "22", "characters" },
    };

    [Theory]
    [MemberData(nameof(RefusedNetworkTargets))]
    public async Task RunAsync_UnsafeNetworkTarget_IsRefusedAndNothingRuns(string host, string ports, string reason)
    {
        var run = await Engine().RunAsync("cmd-2", "argv-net", ScanEngines.Parameters(("host", host), ("ports", ports)), CancellationToken.None);

        AssertRefused(run, reason);
    }

    [Fact]
    public async Task RunAsync_DefaultPolicy_AllowsNothing()
    {
        var engine = Engine(AgentPolicy.Nothing);

        var pathRun = await engine.RunAsync("cmd-3", "argv-stub", ScanEngines.Parameters(("path", Path.Combine(_root, "script.sh"))), CancellationToken.None);
        var hostRun = await engine.RunAsync("cmd-4", "argv-net", ScanEngines.Parameters(("host", "127.0.0.1"), ("ports", "22")), CancellationToken.None);

        AssertRefused(pathRun, "allows no path");
        AssertRefused(hostRun, "allows no network");
    }

    [Fact]
    public async Task RunAsync_ScannerNotAllowedByPolicy_IsRefused()
    {
        var engine = Engine(ScanEngines.Policy(paths: [_root], scanners: ["shellcheck"]));

        var run = await engine.RunAsync("cmd-5", "argv-stub", ScanEngines.Parameters(("path", Path.Combine(_root, "script.sh"))), CancellationToken.None);

        AssertRefused(run, "does not allow scanner argv-stub");
    }

    [Theory]
    [InlineData("no-such-scanner")]
    [InlineData("../../bin/sh")]
    [InlineData("/bin/sh")]
    [InlineData("shellcheck; id")]
    public async Task RunAsync_UnknownScanner_IsRefused(string scanner)
    {
        var run = await Engine().RunAsync("cmd-6", scanner, ScanEngines.Parameters(("path", Path.Combine(_root, "script.sh"))), CancellationToken.None);

        AssertRefused(run, "has no scanner");
    }

    [Fact]
    public async Task RunAsync_UnknownOrMissingParameter_IsRefused()
    {
        var extra = await Engine().RunAsync("cmd-7", "argv-stub", ScanEngines.Parameters(("path", Path.Combine(_root, "script.sh")), ("args", "--rm")), CancellationToken.None);
        var missing = await Engine().RunAsync("cmd-8", "argv-stub", ScanEngines.Parameters(), CancellationToken.None);

        AssertRefused(extra, "takes no parameter 'args'");
        AssertRefused(missing, "needs parameter 'path'");
    }

    [Fact]
    public async Task RunAsync_AllowedPath_RunsWithExactlyTheExpectedArguments()
    {
        var script = Path.Combine(_root, "script.sh");

        var run = await Engine().RunAsync("cmd-9", "argv-stub", ScanEngines.Parameters(("path", script)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.True(run.IsComplete);
        Assert.Equal(["--flag", "--", script], Assert.Single(Scripts.RecordedInvocations(_argvFile)));
    }

    [Theory]
    [InlineData("x; rm -rf $(id) `id` | cat > y.sh")]
    [InlineData("-rf")]
    [InlineData("--output=evil")]
    [InlineData("quote'and\"dquote $HOME *.sh")]
    public async Task RunAsync_HostileButRealFileName_IsOneArgumentNeverInterpreted(string name)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, "echo\n");

        var run = await Engine().RunAsync("cmd-10", "argv-stub", ScanEngines.Parameters(("path", path)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.Equal(["--flag", "--", path], Assert.Single(Scripts.RecordedInvocations(_argvFile)));
    }

    [Fact]
    public async Task RunAsync_LinkInsideTheRoot_PassesTheRealPath()
    {
        var run = await Engine().RunAsync("cmd-11", "argv-stub", ScanEngines.Parameters(("path", Path.Combine(_root, "inside-link"))), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.Equal(["--flag", "--", Path.Combine(_root, "sub")], Assert.Single(Scripts.RecordedInvocations(_argvFile)));
        Assert.Equal(Path.Combine(_root, "sub"), run.Scope!.Path);
    }

    [Theory]
    [InlineData("127.0.0.1", "22", "127.0.0.1", "22")]
    [InlineData("inside.test", "80,22", "127.0.0.2", "80,22")]
    [InlineData("::ffff:127.0.0.1", "8000-8100", "127.0.0.1", "8000-8100")]
    [InlineData("2130706433", "22", "127.0.0.1", "22")]
    public async Task RunAsync_AllowedHost_ScansTheResolvedAddress(string host, string ports, string address, string expectedPorts)
    {
        var run = await Engine().RunAsync("cmd-12", "argv-net", ScanEngines.Parameters(("host", host), ("ports", ports)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.Equal(["--host", address, "--ports", expectedPorts], Assert.Single(Scripts.RecordedInvocations(_argvFile)));
    }

    [Fact]
    public async Task RunAsync_RuleWithPorts_AllowsOnlyThosePorts()
    {
        var engine = Engine(ScanEngines.Policy(networks: ["127.0.0.1/32:22,8000-8100"]));

        var allowed = await engine.RunAsync("cmd-13", "argv-net", ScanEngines.Parameters(("host", "127.0.0.1"), ("ports", "22,8050-8060")), CancellationToken.None);
        var refused = await engine.RunAsync("cmd-14", "argv-net", ScanEngines.Parameters(("host", "127.0.0.1"), ("ports", "22,8101")), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, allowed.Outcome);
        Assert.Equal(ScanOutcome.Refused, refused.Outcome);
        Assert.Contains("not all allowed", refused.FailureReason);
        Assert.Single(Scripts.RecordedInvocations(_argvFile));
    }

    [Fact]
    public async Task RunAsync_RealScannerOutsideTheRoots_IsRefusedBeforeItRuns()
    {
        foreach (var scanner in new[] { "shellcheck", "flawfinder", "secretlint", "bandit" })
        {
            var run = await Engine().RunAsync("cmd-15", scanner, ScanEngines.Parameters(("path", Path.Combine(_outside, "secret.txt"))), CancellationToken.None);

            Assert.Equal(ScanOutcome.Refused, run.Outcome);
            Assert.Null(run.ExitCode);
        }

        var nmap = await Engine().RunAsync("cmd-16", "nmap", ScanEngines.Parameters(("host", "10.1.2.3"), ("ports", "22")), CancellationToken.None);
        Assert.Equal(ScanOutcome.Refused, nmap.Outcome);
    }

    private Agent.Scanners.ScanEngine Engine(AgentPolicy? policy = null) => ScanEngines.Create(
        policy ?? ScanEngines.Policy(paths: [_root], networks: ["127.0.0.0/8:22,80,8000-8100"]),
        [
            ScanEngines.Entry("argv-stub", _stub, ["--flag", "--", "{path}"]),
            ScanEngines.Entry("argv-net", _stub, ["--host", "{host}", "--ports", "{ports}"]),
        ],
        _resolver);

    private void AssertRefused(ScanRun run, string reason)
    {
        Assert.Equal(ScanOutcome.Refused, run.Outcome);
        Assert.Contains(reason, run.FailureReason);
        Assert.False(run.Retryable);
        Assert.Null(run.ExitCode);
        Assert.Empty(run.Findings);
        Assert.Equal(ParseStatus.NotParsed, run.ParseStatus);
        Assert.False(File.Exists(_argvFile), "the stub ran: " + (File.Exists(_argvFile) ? File.ReadAllText(_argvFile) : ""));
    }

    public void Dispose() => _temp.Dispose();
}
