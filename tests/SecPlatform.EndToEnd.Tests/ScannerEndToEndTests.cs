using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// The five real scanners through the whole product: the CLI queues a scan, a real agent (local policy: the test's
/// directory and loopback) runs the real tool on a target the test made, and the control plane holds exactly the
/// findings the tool reports when the test runs it directly with the same arguments. A scan of a path outside the
/// allowed root fails with the reason, and its scanner never runs.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ScannerEndToEndTests : IDisposable
{
    // Nothing here waits for a lease to run out; a longer one keeps a loaded machine from fencing a scan by accident.
    private const int LeaseSeconds = 10;
    private const string Tenant = "acme";
    private const string AwsSecret = "Zq8mR2vT5xW9yB3nC6fH1jK4lP7sD0gA2eU5iO8r";
    private static readonly TimeSpan Finish = TimeSpan.FromSeconds(90);

    private readonly string _root = Directory.CreateTempSubdirectory("secplat-e2e-scan-").FullName;
    private readonly List<string> _cleanup = [];

    [Fact]
    public async Task FiveScannersAndAPolicyRefusal_QueuedWithTheCli_FindingsMatchTheToolsAndTheRefusedScanNeverRuns()
    {
        var script = Write("shell/copy.sh", "#!/bin/bash\n# copies files\nfor f in $(ls $1); do cp $f $2; done\necho `date`\n");
        var cSource = Write("c/copy.c", "#include <string.h>\n\nvoid copy(char *s) { char buf[10]; strcpy(buf, s); }\n");
        var credentials = Write("secrets/credentials", $"[default]\naws_secret_access_key = {AwsSecret}\n");
        var python = Write("py/calc.py", "import sys\n\nresult = eval(sys.argv[1])\nprint(result)\n");
        // Outside the allowed root: refused, and the scanner (a shim that records each scan, then runs shellcheck) never runs.
        var outside = Directory.CreateTempSubdirectory("secplat-e2e-outside-").FullName;
        _cleanup.Add(outside);
        var outsideScript = Path.Combine(outside, "copy.sh");
        File.WriteAllText(outsideScript, "#!/bin/sh\necho $1\n");
        var shims = Path.Combine(outside, "shims");
        var control = Directory.CreateDirectory(Path.Combine(outside, "control")).FullName;
        ScannerShims.Recording(shims, control, "shellcheck");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", Tenant);
        await using var agent = await AgentProcess.RegisterAsync(cp, Tenant, "scanner-1", ["--allow-path", _root, "--allow-cidr", "127.0.0.0/8"]);
        agent.Start(new Dictionary<string, string?> { ["PATH"] = ScannerShims.Path(shims) });

        // Queued at once (each is a CLI process), in a known order: the refused one first.
        var refused = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = outsideScript });
        var queued = await Task.WhenAll(
            cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = script }),
            cp.EnqueueAsync(Tenant, "flawfinder", new Dictionary<string, string> { ["path"] = Path.GetDirectoryName(cSource)! }),
            cp.EnqueueAsync(Tenant, "secretlint", new Dictionary<string, string> { ["path"] = Path.GetDirectoryName(credentials)! }),
            cp.EnqueueAsync(Tenant, "bandit", new Dictionary<string, string> { ["path"] = Path.GetDirectoryName(python)! }),
            cp.EnqueueAsync(Tenant, "nmap", new Dictionary<string, string> { ["host"] = "127.0.0.1", ["ports"] = port.ToString() }));
        var (shellcheck, flawfinder, secretlint, bandit, nmap) = (queued[0], queued[1], queued[2], queued[3], queued[4]);

        // Meanwhile, each tool directly, with the arguments the agent's catalog uses.
        var shellDirect = await DirectTool.RunAsync("shellcheck", ["-f", "json1", "--norc", "--", script], _root);
        var flawDirect = await DirectTool.RunAsync("flawfinder", ["--sarif", "--", Path.GetDirectoryName(cSource)!], _root);
        var secretDirect = await DirectTool.RunAsync("secretlint",
            ["--secretlintrcJSON", """{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}""", "--format", "@secretlint/secretlint-formatter-sarif", "--", "**/*"],
            Path.GetDirectoryName(credentials)!);
        var banditDirect = await DirectTool.RunAsync("bandit", ["-r", "-f", "json", "-q", "--ini", "/dev/null", "--", Path.GetDirectoryName(python)!], _root);
        var nmapDirect = await DirectTool.RunAsync("nmap", ["-sT", "-Pn", "-n", "-p", port.ToString(), "-oX", "-", "127.0.0.1"], _root);

        var commands = await cp.WaitFinishedAsync(Tenant, Finish, shellcheck, flawfinder, secretlint, bandit, nmap, refused);

        // The policy refusal: failed at once with the reason, not retried, nothing executed.
        var refusal = commands[5];
        Assert.True(refusal.Str("status") == "failed", $"{refusal.ToJsonString()}\n{agent.Log}");
        Assert.Equal(1, refusal.Long("attempt"));
        Assert.Contains(outsideScript, refusal.Str("error"));
        Assert.Contains("allowed", refusal.Str("error"));
        Assert.Equal(-1, refusal.Long("exitCode"));
        Assert.Empty(await cp.FindingsAsync(Tenant, refused));
        Assert.DoesNotContain(outsideScript, File.ReadAllText(Path.Combine(control, "invocations")));
        Assert.Contains(script, File.ReadAllText(Path.Combine(control, "invocations")));
        Assert.Contains($"Scan {refused} with shellcheck refused", agent.Log);

        foreach (var command in commands.Take(5))
        {
            Assert.True(command.Str("status") == "succeeded", $"{command.ToJsonString()}\n{agent.Log}");
            Assert.Equal(1, command.Long("attempt"));
            Assert.Equal(agent.AgentId, command.Str("agentId"));
        }

        // shellcheck: SC2045 once, SC2086 three times on line 3 (columns 15, 26, 29), and line 4's three.
        var comments = JsonDocument.Parse(shellDirect.Stdout).RootElement.GetProperty("comments").EnumerateArray().ToList();
        var expectedShell = comments.Select(c => ("SC" + c.GetProperty("code").GetInt32(), ShellCheckSeverity(c.GetProperty("level").GetString()),
            script, c.GetProperty("line").GetInt32(), c.GetProperty("column").GetInt32()));
        await AssertFindingsAsync(cp, shellcheck, expectedShell, commands[0]);
        Assert.Equal(3, comments.Count(c => c.GetProperty("code").GetInt32() == 2086));

        // flawfinder: strcpy (FF1001, level 4: high) and the fixed buffer (FF1013, level 2: low), both on line 3.
        var flawResults = SarifResults(flawDirect.Stdout);
        var expectedFlaw = flawResults.Select(r => (r.GetProperty("ruleId").GetString()!, FlawfinderSeverity(r.GetProperty("rank").GetDouble()),
            cSource, Region(r).GetProperty("startLine").GetInt32(), Region(r).GetProperty("startColumn").GetInt32()));
        await AssertFindingsAsync(cp, flawfinder, expectedFlaw, commands[1]);
        Assert.Contains(flawResults, r => r.GetProperty("ruleId").GetString() == "FF1001");

        // secretlint: the AWS secret access key on line 2, high; the secret itself never reaches the control plane.
        var secretResults = SarifResults(secretDirect.Stdout);
        Assert.Equal(1, secretDirect.ExitCode);
        var expectedSecret = secretResults.Select(r => (r.GetProperty("ruleId").GetString()!, "high",
            Path.Combine(Path.GetDirectoryName(credentials)!, r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!),
            Region(r).GetProperty("startLine").GetInt32(), Region(r).TryGetProperty("startColumn", out var column) ? column.GetInt32() : 0));
        var secretFindings = await AssertFindingsAsync(cp, secretlint, expectedSecret, commands[2]);
        Assert.EndsWith("secretlint-rule-aws", Assert.Single(secretFindings).Str("ruleId"));
        Assert.DoesNotContain(AwsSecret, string.Concat(secretFindings.Select(f => f.ToJsonString())) + commands[2].ToJsonString());

        // bandit: eval (B307, medium) on line 3.
        var banditResults = JsonDocument.Parse(banditDirect.Stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        var expectedBandit = banditResults.Select(r => (r.GetProperty("test_id").GetString()!, r.GetProperty("issue_severity").GetString()!.ToLowerInvariant(),
            r.GetProperty("filename").GetString()!, r.GetProperty("line_number").GetInt32(), 0));
        var banditFindings = await AssertFindingsAsync(cp, bandit, expectedBandit, commands[3], checkColumns: false);
        Assert.Equal("B307", Assert.Single(banditFindings).Str("ruleId"));

        // nmap: the port this test opened, open, info.
        var openPorts = XDocument.Parse(nmapDirect.Stdout).Descendants("port")
            .Where(p => p.Element("state")?.Attribute("state")?.Value == "open")
            .Select(p => int.Parse(p.Attribute("portid")!.Value))
            .ToList();
        var nmapFindings = await cp.FindingsAsync(Tenant, nmap);
        Assert.Equal(openPorts.Count, nmapFindings.Count);
        Assert.Equal(openPorts.Count, commands[4].Long("findingCount"));
        var open = Assert.Single(nmapFindings);
        Assert.Equal(("open-port", "info", "ip", "127.0.0.1", port, "tcp"),
            (open.Str("ruleId"), open.Str("severity"), open.Str("assetKind"), open.Str("assetValue"), (int)open.Long("port"), open.Str("protocol")));

        // The five tools' real findings exported by the CLI: one SARIF log, one run per scanner, no errors for
        // Microsoft's validator, and the summary counts them all.
        var export = await cp.CliAsync("findings", "export", "--tenant", Tenant, "--format", "sarif");
        Assert.True(export.ExitCode == 0, export.ToString());
        var sarifFile = Path.Combine(cp.DataDir, "findings.sarif");
        await File.WriteAllTextAsync(sarifFile, export.StdOut);
        var problems = await SarifMultitool.ValidateAsync(sarifFile);
        Assert.True(problems.Count == 0, "sarif-multitool validate reported errors:\n" + string.Join("\n", problems));
        var runs = JsonNode.Parse(export.StdOut)!["runs"]!.AsArray();
        Assert.Equal(["bandit", "flawfinder", "nmap", "secretlint", "shellcheck"],
            runs.Select(run => run!["tool"]!["driver"]!["name"]!.GetValue<string>()));
        var exported = runs.Sum(run => run!["results"]!.AsArray().Count);
        Assert.Equal(exported, (await cp.JsonAsync("findings", "summary", "--tenant", Tenant)).Long("total"));
        Assert.DoesNotContain(AwsSecret, export.StdOut);

        Assert.DoesNotContain(AwsSecret, agent.Log);
        Assert.DoesNotContain(AwsSecret, cp.Log);
    }

    private static async Task<IReadOnlyList<JsonNode>> AssertFindingsAsync(ControlPlaneProcess cp, string commandId,
        IEnumerable<(string RuleId, string Severity, string File, int Line, int Column)> expected, JsonNode command, bool checkColumns = true)
    {
        var findings = await cp.FindingsAsync(Tenant, commandId);
        var want = expected.Select(e => (e.RuleId, e.Severity, e.File, e.Line, checkColumns ? e.Column : 0)).Order().ToList();
        var got = findings.Select(f => (f.Str("ruleId"), f.Str("severity"), f.Str("file"), (int)f.Long("line"), checkColumns ? (int)f.Long("column") : 0)).Order().ToList();
        Assert.NotEmpty(want);
        Assert.Equal(want, got);
        Assert.Equal(want.Count, command.Long("findingCount"));
        Assert.All(findings, f => Assert.Equal(1, f.Long("occurrences")));
        Assert.All(findings, f => Assert.Equal("path", f.Str("assetKind")));
        return findings;
    }

    private static string ShellCheckSeverity(string? level) => level switch
    {
        "error" => "medium",
        "warning" => "low",
        _ => "info",
    };

    // flawfinder's SARIF rank is its risk level / 5.
    private static string FlawfinderSeverity(double rank) => (int)Math.Round(rank * 5) switch
    {
        >= 4 => "high",
        3 => "medium",
        >= 1 => "low",
        _ => "info",
    };

    private static List<JsonElement> SarifResults(string sarif) =>
        [.. JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()];

    private static JsonElement Region(JsonElement result) => result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        foreach (var directory in _cleanup.Append(_root))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
