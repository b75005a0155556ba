using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Xml.Linq;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Scanners;

/// <summary>
/// The five real scanners, each run directly (CliWrap, the same arguments) and through the engine on targets the
/// test creates: the engine reports as many findings as the tool did, with the expected rules, severities and places.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RealScannerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;

    public RealScannerTests()
    {
        // Real paths: the engine reports files by their real path.
        _root = AgentPlatforms.Current.RealPath(_temp.Path)!;
    }

    [Fact]
    public async Task ShellCheck_ScriptWithDefects_ReportsWhatTheToolReports()
    {
        var script = Write("copy.sh", ScanTargets.ShellScript);
        var direct = await RealTool.RunAsync("shellcheck", ["-f", "json1", "--norc", "--", script], _root);
        var comments = JsonDocument.Parse(direct.Stdout).RootElement.GetProperty("comments").EnumerateArray().ToList();
        Assert.Equal(1, direct.ExitCode);

        var engine = ScanEngines.Create(ScanEngines.Policy(paths: [_root]));
        var run = await engine.RunAsync("cmd-shellcheck", "shellcheck", ScanEngines.Parameters(("path", script)), CancellationToken.None);

        AssertComplete(run, exitCode: 1);
        Assert.Equal(comments.Count, run.Findings.Count);
        Assert.Equal(7, run.Findings.Count);
        for (var i = 0; i < comments.Count; i++)
        {
            var comment = comments[i];
            var finding = run.Findings[i];
            Assert.Equal("SC" + comment.GetProperty("code").GetInt32(), finding.RuleId);
            Assert.Equal(comment.GetProperty("line").GetInt32(), finding.Location.Line);
            Assert.Equal(comment.GetProperty("column").GetInt32(), finding.Location.Column);
            Assert.Equal(comment.GetProperty("message").GetString(), finding.Message);
            Assert.Equal(ExpectedShellCheckSeverity(comment.GetProperty("level").GetString()), finding.Severity);
            Assert.Equal(script, finding.Location.File);
            Assert.Equal(new FindingAsset(AssetKind.Path, "test-host:" + script), finding.Asset);
            Assert.Equal("test-host", finding.Host);
            Assert.Equal("shellcheck", finding.Scanner);
        }

        // SC2086 three times on one line: three findings, told apart by column.
        var quoted = run.Findings.Where(f => f.RuleId == "SC2086").ToList();
        Assert.Equal(3, quoted.Count);
        Assert.All(quoted, f => Assert.Equal(3, f.Location.Line));
        Assert.Equal([15, 26, 29], quoted.Select(f => f.Location.Column!.Value));
        Assert.Equal(3, quoted.Select(f => f.Fingerprint).Distinct().Count());
        Assert.Equal(run.Findings.Count, run.Findings.Select(f => f.Fingerprint).Distinct().Count());
        Assert.All(run.Findings, f => Assert.Matches("^[0-9a-f]{64}$", f.Fingerprint));

        // The same input scanned again: the same fingerprints.
        var again = await engine.RunAsync("cmd-shellcheck-2", "shellcheck", ScanEngines.Parameters(("path", script)), CancellationToken.None);
        Assert.Equal(run.Findings.Select(f => f.Fingerprint), again.Findings.Select(f => f.Fingerprint));
    }

    [Fact]
    public async Task ShellCheck_Directory_ChecksTheScriptsInIt()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "repo")).FullName;
        var byExtension = Write("repo/copy.sh", ScanTargets.ShellScript);
        var byShebang = Write("repo/tools/deploy", "#!/usr/bin/env bash\necho $1\n");
        Write("repo/notes.txt", "echo $1 is not a script\n");
        Write("repo/empty.sh", "");
        var direct = await RealTool.RunAsync("shellcheck", ["-f", "json1", "--norc", "--", byExtension, byShebang], directory);
        var expected = JsonDocument.Parse(direct.Stdout).RootElement.GetProperty("comments").GetArrayLength();

        var engine = ScanEngines.Create(ScanEngines.Policy(paths: [_root]));
        var run = await engine.RunAsync("cmd-dir", "shellcheck", ScanEngines.Parameters(("path", directory)), CancellationToken.None);

        AssertComplete(run, exitCode: 1);
        Assert.Equal(expected, run.Findings.Count);
        Assert.Equal(8, run.Findings.Count);
        Assert.Equal([byExtension, byShebang], run.Findings.Select(f => f.Location.File!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(directory, run.Scope!.Path);
    }

    [Fact]
    public async Task Flawfinder_CFileWithStrcpy_ReportsWhatTheToolReports()
    {
        var source = Write("copy.c", ScanTargets.CSource);
        var direct = await RealTool.RunAsync("flawfinder", ["--sarif", "--", source], _root);
        var results = SarifResults(direct.Stdout);
        Assert.Equal(0, direct.ExitCode);

        var engine = ScanEngines.Create(ScanEngines.Policy(paths: [_root]));
        var run = await engine.RunAsync("cmd-flawfinder", "flawfinder", ScanEngines.Parameters(("path", source)), CancellationToken.None);

        AssertComplete(run, exitCode: 0);
        Assert.Equal(results.Count, run.Findings.Count);
        Assert.Equal(2, run.Findings.Count);
        Assert.Equal(results.Select(r => r.GetProperty("ruleId").GetString()), run.Findings.Select(f => f.RuleId));
        var regions = results.Select(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region")).ToList();
        Assert.Equal(regions.Select(r => r.GetProperty("startLine").GetInt32()), run.Findings.Select(f => f.Location.Line!.Value));
        Assert.Equal(regions.Select(r => r.GetProperty("startColumn").GetInt32()), run.Findings.Select(f => f.Location.Column!.Value));

        var strcpy = run.Findings.Single(f => f.RuleId == "FF1001");
        Assert.Equal(Severity.High, strcpy.Severity);
        Assert.Equal(3, strcpy.Location.Line);
        Assert.Equal(ScanTargets.CSource.Split('\n')[2].IndexOf("strcpy", StringComparison.Ordinal) + 1, strcpy.Location.Column);
        Assert.Equal(source, strcpy.Location.File);
        Assert.Contains("CWE-120", strcpy.Cwes);
        Assert.Contains("strcpy", strcpy.Evidence);
        Assert.Contains("buffer overflows", strcpy.Title);

        var buffer = run.Findings.Single(f => f.RuleId == "FF1013");
        Assert.Equal(Severity.Low, buffer.Severity);
        Assert.Equal(["CWE-119", "CWE-120"], buffer.Cwes);
        Assert.NotEqual(strcpy.Fingerprint, buffer.Fingerprint);
    }

    [Fact]
    public async Task Flawfinder_TwoStrcpyOnOneLine_AreTwoFindings()
    {
        var source = Write("twice.c", "#include <string.h>\nvoid f(char *a, char *b, char *s) { strcpy(a, s); strcpy(b, s); }\n");
        var direct = await RealTool.RunAsync("flawfinder", ["--sarif", "--", source], _root);

        var run = await ScanEngines.Create(ScanEngines.Policy(paths: [_root]))
            .RunAsync("cmd-twice", "flawfinder", ScanEngines.Parameters(("path", source)), CancellationToken.None);

        var hits = run.Findings.Where(f => f.RuleId == "FF1001").ToList();
        Assert.Equal(SarifResults(direct.Stdout).Count(r => r.GetProperty("ruleId").GetString() == "FF1001"), hits.Count);
        Assert.Equal(2, hits.Count);
        Assert.NotEqual(hits[0].Fingerprint, hits[1].Fingerprint);
    }

    [Fact]
    public async Task Secretlint_FilesWithSecrets_ReportsWhatTheToolReportsWithoutTheSecrets()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "secrets")).FullName;
        var credentials = Write("secrets/credentials", ScanTargets.AwsCredentials);
        var script = Write("secrets/src/app.js", ScanTargets.JavaScriptWithToken);
        Write("secrets/README.md", "nothing to see\n");
        var direct = await RealTool.RunAsync("secretlint",
            ["--secretlintrcJSON", """{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}""", "--format", "@secretlint/secretlint-formatter-sarif", "--", "**/*"],
            directory);
        var results = SarifResults(direct.Stdout);
        Assert.Equal(1, direct.ExitCode);

        var run = await ScanEngines.Create(ScanEngines.Policy(paths: [_root]))
            .RunAsync("cmd-secretlint", "secretlint", ScanEngines.Parameters(("path", directory)), CancellationToken.None);

        AssertComplete(run, exitCode: 1);
        Assert.Equal(results.Count, run.Findings.Count);
        Assert.Equal(2, run.Findings.Count);
        Assert.Equal(results.Select(r => r.GetProperty("ruleId").GetString()).Order(), run.Findings.Select(f => f.RuleId).Order());

        var aws = run.Findings.Single(f => f.RuleId.EndsWith("secretlint-rule-aws", StringComparison.Ordinal));
        Assert.Equal(credentials, aws.Location.File);
        Assert.Equal(2, aws.Location.Line);
        Assert.Equal(Severity.High, aws.Severity);
        Assert.Contains("CWE-798", aws.Cwes);
        Assert.Equal("Found AWS Secret Access Key", aws.Title);

        var github = run.Findings.Single(f => f.RuleId.EndsWith("secretlint-rule-github", StringComparison.Ordinal));
        Assert.Equal(script, github.Location.File);
        Assert.Equal(1, github.Location.Line);

        // Neither secret leaves the agent: not in findings, not in the log tail.
        var everything = JsonSerializer.Serialize(run);
        Assert.DoesNotContain(ScanTargets.AwsSecret, everything);
        Assert.DoesNotContain(ScanTargets.GitHubToken, everything);
        Assert.DoesNotContain(ScanTargets.GitHubToken[4..], everything);
    }

    [Fact]
    public async Task Secretlint_SingleFile_ScansOnlyThatFile()
    {
        Directory.CreateDirectory(Path.Combine(_root, "two"));
        var credentials = Write("two/[creds].txt", ScanTargets.AwsCredentials);
        Write("two/c.txt", ScanTargets.AwsCredentials);

        var run = await ScanEngines.Create(ScanEngines.Policy(paths: [_root]))
            .RunAsync("cmd-file", "secretlint", ScanEngines.Parameters(("path", credentials)), CancellationToken.None);

        AssertComplete(run, exitCode: 1);
        Assert.Equal(credentials, Assert.Single(run.Findings).Location.File);
    }

    [Fact]
    public async Task Bandit_PythonWithEval_ReportsWhatTheToolReports()
    {
        var source = Write("calc.py", ScanTargets.PythonSource);
        var direct = await RealTool.RunAsync("bandit", ["-r", "-f", "json", "-q", "--ini", "/dev/null", "--", source], _root);
        var results = JsonDocument.Parse(direct.Stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(1, direct.ExitCode);

        var run = await ScanEngines.Create(ScanEngines.Policy(paths: [_root]))
            .RunAsync("cmd-bandit", "bandit", ScanEngines.Parameters(("path", source)), CancellationToken.None);

        AssertComplete(run, exitCode: 1);
        Assert.Equal(results.Count, run.Findings.Count);
        var finding = Assert.Single(run.Findings);
        Assert.Equal("B307", finding.RuleId);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal(3, finding.Location.Line);
        Assert.Equal(source, finding.Location.File);
        Assert.Contains("eval", finding.Evidence);
        Assert.Contains("confidence: high", finding.Message);
    }

    [Fact]
    public async Task Bandit_BanditFileInTheTree_DoesNotHideFindings()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "py")).FullName;
        Write("py/calc.py", ScanTargets.PythonSource);
        Write("py/.bandit", "[bandit]\nskips: B307\n");

        var run = await ScanEngines.Create(ScanEngines.Policy(paths: [_root]))
            .RunAsync("cmd-bandit-ini", "bandit", ScanEngines.Parameters(("path", directory)), CancellationToken.None);

        AssertComplete(run, exitCode: 1);
        Assert.Equal("B307", Assert.Single(run.Findings).RuleId);
    }

    [Fact]
    public async Task Nmap_LoopbackPortTheTestOpened_ReportsWhatTheToolReports()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closed = LoopbackControlPlane.FreePort();
        var ports = $"{open},{closed}";
        var direct = await RealTool.RunAsync("nmap", ["-sT", "-Pn", "-n", "-p", ports, "-oX", "-", "127.0.0.1"], _root);
        var openPorts = XDocument.Parse(direct.Text).Descendants("port").Count(p => p.Element("state")?.Attribute("state")?.Value == "open");
        Assert.Equal(0, direct.ExitCode);

        var run = await ScanEngines.Create(ScanEngines.Policy(networks: ["127.0.0.0/8"]))
            .RunAsync("cmd-nmap", "nmap", ScanEngines.Parameters(("host", "127.0.0.1"), ("ports", ports)), CancellationToken.None);

        AssertComplete(run, exitCode: 0);
        Assert.Equal(openPorts, run.Findings.Count);
        var finding = Assert.Single(run.Findings);
        Assert.Equal("open-port", finding.RuleId);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal(new FindingAsset(AssetKind.Ip, "127.0.0.1"), finding.Asset);
        Assert.Equal(open, finding.Location.Port);
        Assert.Equal("tcp", finding.Location.Protocol);
        Assert.Null(finding.Location.File);
        Assert.Equal(FindingFingerprint.Compute("nmap", "open-port", finding.Asset, $"tcp/{open}", 0), finding.Fingerprint);
    }

    [Fact]
    public async Task Nmap_HostName_IsResolvedOnceAndTheAddressScanned()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var resolver = new FakeHostResolver { Answers = { ["app.internal.test"] = ScanEngines.Addresses("127.0.0.1") } };

        var run = await ScanEngines.Create(ScanEngines.Policy(networks: [$"127.0.0.1/32:{port}"]), resolver: resolver)
            .RunAsync("cmd-nmap-name", "nmap", ScanEngines.Parameters(("host", "app.internal.test"), ("ports", port.ToString())), CancellationToken.None);

        AssertComplete(run, exitCode: 0);
        var finding = Assert.Single(run.Findings);
        Assert.Equal("127.0.0.1", finding.Asset.Value);
        Assert.Equal("app.internal.test", finding.Host);
        Assert.Equal(["app.internal.test"], resolver.Asked);
        Assert.Equal(new Agent.Scanners.ScanScope("test-host", Host: "app.internal.test", Address: "127.0.0.1", Ports: port.ToString()), run.Scope);
    }

    [Fact]
    public async Task Cdxgen_PackageJsonAndLockFile_ReportsTheComponentsTheSbomHas()
    {
        var project = Path.Combine(_root, "app");
        Write("app/package.json", ScanTargets.PackageJson);
        Write("app/package-lock.json", ScanTargets.PackageLock);
        var bom = Path.Combine(_root, "direct-bom.json");
        var direct = await RealTool.RunAsync("cdxgen", ["--no-install-deps", "-o", bom, project], _root);
        Assert.True(direct.ExitCode == 0, direct.Stderr);
        var expected = JsonDocument.Parse(File.ReadAllBytes(bom)).RootElement.GetProperty("components").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString(), c.GetProperty("version").GetString(), c.GetProperty("purl").GetString()))
            .Order()
            .ToList();
        File.Delete(bom);

        var engine = ScanEngines.Create(ScanEngines.Policy(paths: [_root]));
        var run = await engine.RunAsync("cmd-cdxgen", "cdxgen", ScanEngines.Parameters(("path", project)), CancellationToken.None);

        AssertComplete(run, exitCode: 0);
        Assert.Empty(run.Findings);
        Assert.Equal(expected, run.Components.Select(c => ((string?)c.Name, (string?)c.Version, (string?)c.Purl)).Order().ToList());
        Assert.Contains(run.Components, c => c.Purl == "pkg:npm/left-pad@1.3.0" && c.Type == "library");
        Assert.Contains(run.Components, c => c.Purl == "pkg:npm/ms@2.1.3");
        Assert.All(run.Components, c => Assert.Equal(new FindingAsset(AssetKind.Path, "test-host:" + project), c.Asset));
        // cdxgen left nothing in the project, and the agent removed its result file.
        Assert.Equal(["package-lock.json", "package.json"], Directory.GetFileSystemEntries(project).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "secplat-cdxgen-*.json"));

        var file = await engine.RunAsync("cmd-cdxgen-file", "cdxgen", ScanEngines.Parameters(("path", Path.Combine(project, "package.json"))), CancellationToken.None);
        Assert.Equal(ScanOutcome.Refused, file.Outcome);
        Assert.Contains("directory", file.FailureReason);
    }

    private static void AssertComplete(ScanRun run, int exitCode)
    {
        Assert.True(run.Outcome == ScanOutcome.Succeeded, $"{run.Outcome}: {run.FailureReason}; {string.Join("; ", run.Warnings)}");
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal(ParseStatus.Complete, run.ParseStatus);
        Assert.False(run.Truncated);
        Assert.True(run.IsComplete);
        Assert.Null(run.FailureReason);
    }

    private static Severity ExpectedShellCheckSeverity(string? level) => level switch
    {
        "error" => Severity.Medium,
        "warning" => Severity.Low,
        _ => Severity.Info,
    };

    private static List<JsonElement> SarifResults(byte[] sarif) =>
        [.. JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()];

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}
