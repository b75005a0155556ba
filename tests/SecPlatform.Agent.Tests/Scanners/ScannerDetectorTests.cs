using System.Runtime.Versioning;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Scanners;

[UnsupportedOSPlatform("windows")]
public sealed class ScannerDetectorTests : IDisposable
{
    private const string InstallHint =
        "install the real scanners: apt-get install -y --no-install-recommends shellcheck flawfinder bandit nmap && " +
        "npm install -g secretlint@12.0.0 @secretlint/secretlint-rule-preset-recommend@12.0.0 @secretlint/secretlint-formatter-sarif";

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task DetectAsync_RealInstalledTools_FindsAllFiveWithTheirVersions()
    {
        var locator = new ExecutableLocator(AgentPlatforms.Current, Environment.GetEnvironmentVariable);
        var detector = new ScannerDetector(SupportedScanners.Probes, locator, TimeProvider.System);

        var found = await detector.DetectAsync(CancellationToken.None);

        var missing = SupportedScanners.Probes.Select(p => p.ScannerId).Except(found.Select(c => c.Scanner)).ToList();
        Assert.True(missing.Count == 0, $"not detected: {string.Join(", ", missing)}; {InstallHint}");
        foreach (var capability in found)
        {
            Assert.Matches(@"^\d+\.\d+", capability.Version);
            Assert.Contains(capability.Version, await ToolOutputAsync(capability.Scanner));
        }
    }

    [Fact]
    public async Task DetectAsync_ToolMissing_IsNotACapability()
    {
        var detector = Detector(Probe("absent-tool", SupportedScanners.ParseBareVersion));

        Assert.Empty(await detector.DetectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DetectAsync_ToolPrintsVersion_IsACapability()
    {
        Script("fake-tool", "echo 'version: 1.2.3'");
        var detector = Detector(Probe("fake-tool", SupportedScanners.ParseShellCheckVersion));

        var capability = Assert.Single(await detector.DetectAsync(CancellationToken.None));

        Assert.Equal(new ScannerCapability("fake-tool", "1.2.3"), capability);
    }

    [Fact]
    public async Task DetectAsync_ToolExitsNonZero_IsNotACapability()
    {
        Script("fake-tool", "echo 1.2.3; exit 1");
        var detector = Detector(Probe("fake-tool", SupportedScanners.ParseBareVersion));

        Assert.Empty(await detector.DetectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DetectAsync_ToolPrintsNoVersion_IsNotACapability()
    {
        Script("fake-tool", "echo 'something else entirely'");
        var detector = Detector(Probe("fake-tool", SupportedScanners.ParseBareVersion));

        Assert.Empty(await detector.DetectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DetectAsync_VersionOnStderr_IsRead()
    {
        Script("fake-tool", "echo 'noise on stdout'; echo 4.5.6 >&2");
        var detector = Detector(Probe("fake-tool", SupportedScanners.ParseBareVersion));

        Assert.Equal("4.5.6", Assert.Single(await detector.DetectAsync(CancellationToken.None)).Version);
    }

    [Fact]
    public async Task DetectAsync_HugeOutput_IsCappedAndStillParsed()
    {
        Script("fake-tool", "echo 7.8.9; head -c 5000000 /dev/zero | tr '\\0' 'x'");
        var detector = Detector(Probe("fake-tool", SupportedScanners.ParseBareVersion));

        Assert.Equal("7.8.9", Assert.Single(await detector.DetectAsync(CancellationToken.None)).Version);
    }

    [Fact]
    public async Task DetectAsync_ToolHangs_IsKilledAfterTheTimeout()
    {
        Script("fake-tool", "exec sleep 60");
        var time = new FakeTimeProvider();
        var detector = Detector(time, Probe("fake-tool", SupportedScanners.ParseBareVersion));

        var detection = detector.DetectAsync(CancellationToken.None);
        while (!detection.IsCompleted)
        {
            time.Advance(ScannerDetector.ProbeTimeout);
            await Task.WhenAny(detection, Task.Delay(50));
        }

        Assert.Empty(await detection);
    }

    [Fact]
    public async Task DetectAsync_SeveralTools_RunInParallel()
    {
        // Each takes 1 s; one after another would take 3 s.
        Script("slow-a", "sleep 1; echo 1.0.0");
        Script("slow-b", "sleep 1; echo 2.0.0");
        Script("slow-c", "sleep 1; echo 3.0.0");
        var detector = Detector(
            Probe("slow-a", SupportedScanners.ParseBareVersion),
            Probe("slow-b", SupportedScanners.ParseBareVersion),
            Probe("slow-c", SupportedScanners.ParseBareVersion));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var found = await detector.DetectAsync(CancellationToken.None);

        Assert.Equal(3, found.Count);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2.5), $"took {started.Elapsed}");
    }

    [Fact]
    public void Find_RelativePathEntries_AreSkipped()
    {
        Script("fake-tool", "echo 1.0.0");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, _temp.Path);
        var locator = new ExecutableLocator(AgentPlatforms.Current, name => name == "PATH" ? relative : null);

        Assert.Null(locator.Find("fake-tool"));
    }

    [Fact]
    public void Find_FileWithoutExecuteBit_IsSkipped()
    {
        File.WriteAllText(_temp.Combine("fake-tool"), "#!/bin/sh\necho 1.0.0\n");
        var locator = new ExecutableLocator(AgentPlatforms.Current, name => name == "PATH" ? _temp.Path : null);

        Assert.Null(locator.Find("fake-tool"));
    }

    [Fact]
    public void Find_FirstMatchOnPath_Wins()
    {
        var first = Directory.CreateDirectory(_temp.Combine("first")).FullName;
        var second = Directory.CreateDirectory(_temp.Combine("second")).FullName;
        Script(Path.Combine(second, "tool"), "echo 2");
        Script(Path.Combine(first, "tool"), "echo 1");
        var locator = new ExecutableLocator(AgentPlatforms.Current, name => name == "PATH" ? $"{first}{Path.PathSeparator}{second}" : null);

        Assert.Equal(Path.Combine(first, "tool"), locator.Find("tool"));
    }

    private static ScannerVersionProbe Probe(string name, Func<string, string?> parse) => new(name, name, ["--version"], parse);

    private ScannerDetector Detector(params ScannerVersionProbe[] probes) => Detector(TimeProvider.System, probes);

    private ScannerDetector Detector(TimeProvider time, params ScannerVersionProbe[] probes) =>
        new(probes, new ExecutableLocator(AgentPlatforms.Current, name => name == "PATH" ? _temp.Path : null), time);

    private void Script(string nameOrPath, string body)
    {
        var path = Path.IsPathRooted(nameOrPath) ? nameOrPath : _temp.Combine(nameOrPath);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // What the tool prints when a person runs it through a shell, to check detection against.
    private static async Task<string> ToolOutputAsync(string scanner)
    {
        var output = new System.Text.StringBuilder();
        var result = await CliWrap.Cli.Wrap("/bin/sh")
            .WithArguments(["-c", $"{scanner} --version 2>&1"])
            .WithStandardOutputPipe(CliWrap.PipeTarget.ToStringBuilder(output))
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteAsync(CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
        return output.ToString();
    }

    public void Dispose() => _temp.Dispose();
}
