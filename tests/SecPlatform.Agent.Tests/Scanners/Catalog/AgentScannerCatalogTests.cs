using System.Net;
using System.Runtime.Versioning;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Scanners.Catalog;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Tests.Scanners.Catalog;

[UnsupportedOSPlatform("windows")]
public sealed class AgentScannerCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;
    private readonly AgentScannerCatalog _catalog = new(AgentScannerCatalog.BuiltIn(AgentPlatforms.Current));

    public AgentScannerCatalogTests()
    {
        _root = AgentPlatforms.Current.RealPath(_temp.Path)!;
    }

    [Fact]
    public void BuiltIn_HasOneEntryPerContractScanner_WithTheContractsParameters()
    {
        Assert.Equal(ScannerCatalog.All.Select(s => s.Id).Order(), _catalog.Entries.Select(e => e.Id).Order());
        foreach (var entry in _catalog.Entries)
        {
            Assert.Same(ScannerCatalog.Find(entry.Id), entry.Spec);
            Assert.False(entry.IsTestOnly);
            Assert.Equal(entry.Id, entry.Probe!.ScannerId);
        }

        Assert.Equal(SupportedScanners.Probes.Select(p => p.ScannerId).Order(), _catalog.Probes.Select(p => p.ScannerId).Order());
    }

    [Fact]
    public void Plan_PathScanners_BuildFixedArgumentArrays()
    {
        var file = Path.Combine(_root, "a.c");
        var target = new ScanTarget(Path: file);

        Assert.Equal(["-f", "json1", "--norc", "--", file], _catalog.Find("shellcheck")!.Plan(target).Arguments);
        Assert.Equal(["--sarif", "--", file], _catalog.Find("flawfinder")!.Plan(target).Arguments);
        Assert.Equal(["-r", "-f", "json", "-q", "--ini", "/dev/null", "--", file], _catalog.Find("bandit")!.Plan(target).Arguments);
        // cdxgen reads a project directory (below); a file is refused.
        Assert.All(_catalog.Entries.Where(e => e.Id is not ("nmap" or "cdxgen")), entry => Assert.Equal(_root, entry.Plan(target).WorkingDirectory));
    }

    [Fact]
    public void Plan_Cdxgen_NoInstallDepsIntoAFreshResultFileAndFilesRefused()
    {
        var directory = _catalog.Find("cdxgen")!.Plan(new ScanTarget(Path: _root, IsDirectory: true));
        var again = _catalog.Find("cdxgen")!.Plan(new ScanTarget(Path: _root, IsDirectory: true));
        var file = _catalog.Find("cdxgen")!.Plan(new ScanTarget(Path: Path.Combine(_root, "package.json")));

        Assert.Equal(["--no-install-deps", "-o", directory.OutputFile!, _root], directory.Arguments);
        Assert.Equal(_root, directory.WorkingDirectory);
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "secplat-cdxgen-"), directory.OutputFile);
        Assert.NotEqual(directory.OutputFile, again.OutputFile);
        Assert.False(File.Exists(directory.OutputFile));
        Assert.NotNull(file.Refusal);
        Assert.Null(file.Arguments);
    }

    [Fact]
    public void Plan_Secretlint_RunsInTheDirectoryWithAGlobAndInlineConfiguration()
    {
        File.WriteAllText(Path.Combine(_root, "x.txt"), "x");

        var directory = _catalog.Find("secretlint")!.Plan(new ScanTarget(Path: _root, IsDirectory: true));
        var file = _catalog.Find("secretlint")!.Plan(new ScanTarget(Path: Path.Combine(_root, "a [b]*.txt")));

        Assert.Equal(["--secretlintrcJSON", SecretlintEntry.Configuration, "--format", "@secretlint/secretlint-formatter-sarif", "--", "**/*"], directory.Arguments);
        Assert.Equal(_root, directory.WorkingDirectory);
        Assert.Equal("a \\[b\\]\\*.txt", file.Arguments![^1]);
        Assert.Equal(_root, file.WorkingDirectory);
    }

    [Fact]
    public void Plan_Secretlint_EmptyDirectoryIsSkipped()
    {
        var plan = _catalog.Find("secretlint")!.Plan(new ScanTarget(Path: _root, IsDirectory: true));

        Assert.NotNull(plan.SkipReason);
        Assert.Null(plan.Arguments);
    }

    [Fact]
    public void Plan_ShellCheck_DirectoryWithoutScriptsIsSkipped()
    {
        File.WriteAllText(Path.Combine(_root, "readme.txt"), "#!/bin/sh is not how this starts");

        var plan = _catalog.Find("shellcheck")!.Plan(new ScanTarget(Path: _root, IsDirectory: true));

        Assert.Contains("no shell scripts", plan.SkipReason);
    }

    [Fact]
    public void Plan_ShellCheck_SkipsSymbolicLinksAndFindsShebangScripts()
    {
        var outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "evil.sh"), "echo $1\n");
        var inside = Directory.CreateDirectory(Path.Combine(_root, "repo")).FullName;
        File.CreateSymbolicLink(Path.Combine(inside, "link"), outside);
        File.CreateSymbolicLink(Path.Combine(inside, "link.sh"), Path.Combine(outside, "evil.sh"));
        File.WriteAllText(Path.Combine(inside, "run"), "#!/usr/bin/env -S bash -e\necho $1\n");
        File.WriteAllText(Path.Combine(inside, "tool.py"), "#!/usr/bin/env python3\n");

        var plan = _catalog.Find("shellcheck")!.Plan(new ScanTarget(Path: inside, IsDirectory: true));

        Assert.Equal(["-f", "json1", "--norc", "--", Path.Combine(inside, "run")], plan.Arguments);
    }

    [Theory]
    [InlineData("127.0.0.1", "22,80", new[] { "-sT", "-Pn", "-n", "-p", "22,80", "-oX", "-", "127.0.0.1" })]
    [InlineData("::1", "443", new[] { "-sT", "-Pn", "-n", "-6", "-p", "443", "-oX", "-", "::1" })]
    public void Plan_Nmap_ConnectScanOfTheAddress(string address, string ports, string[] expected)
    {
        PortRange.TryParseList(ports, out var ranges, out _);

        var plan = _catalog.Find("nmap")!.Plan(new ScanTarget(Host: "name", Address: IPAddress.Parse(address), Ports: ranges));

        Assert.Equal(expected, plan.Arguments);
    }

    [Fact]
    public async Task RunAsync_EmptyDirectory_IsACompleteRunWithoutExecutingAnything()
    {
        var engine = ScanEngines.Create(ScanEngines.Policy(paths: [_root]));

        var run = await engine.RunAsync("cmd-empty", "secretlint", ScanEngines.Parameters(("path", _root)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.True(run.IsComplete);
        Assert.Null(run.ExitCode);
        Assert.Empty(run.Findings);
    }

    [Fact]
    public void RunnableScanners_FollowsPolicyAndInstallation()
    {
        var all = ScanEngines.Create(ScanEngines.Policy()).RunnableScanners();
        var limited = ScanEngines.Create(ScanEngines.Policy(scanners: ["nmap"])).RunnableScanners();

        Assert.Equal(ScannerCatalog.All.Select(s => s.Id).Order(), all.Order());
        Assert.Equal(["nmap"], limited);
    }

    public void Dispose() => _temp.Dispose();
}
