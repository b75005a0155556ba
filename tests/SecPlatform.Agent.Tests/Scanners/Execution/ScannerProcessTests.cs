using System.Runtime.Versioning;
using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Scanners.Execution;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Scanners.Execution;

/// <summary>
/// Execution through the engine with test-only entries: cancel and timeout kill the scanner and every process it
/// started (checked by pid, a double-forked orphan and a setsid daemon included), output caps, the log tail, exit codes.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ScannerProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _pidFile;
    private readonly List<int> _seen = [];

    public ScannerProcessTests()
    {
        _pidFile = _temp.Combine("pids");
    }

    // Six processes: the script, a direct child, a grandchild under a child shell, an orphan whose parent exited
    // (re-parented away from the tree), and a daemon in its own session.
    private string SlowTreeScript() => Scripts.Write(_temp.Combine("slow-tree.sh"), $"""
        echo $$ >> '{_pidFile}'
        sleep 300 &
        echo $! >> '{_pidFile}'
        sh -c 'sleep 300 & echo $! >> "{_pidFile}"; wait' &
        echo $! >> '{_pidFile}'
        ( sleep 300 > /dev/null 2>&1 & echo $! >> '{_pidFile}' )
        setsid sh -c 'echo $$ >> "{_pidFile}"; exec sleep 300' > /dev/null 2>&1 &
        wait
        """);

    [Fact]
    public async Task RunAsync_Canceled_KillsTheScannerAndAllItsDescendants()
    {
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("slow-tree", SlowTreeScript(), [])]);
        using var cancel = new CancellationTokenSource();

        var running = engine.RunAsync("cmd-cancel", "slow-tree", ScanEngines.Parameters(), cancel.Token);
        var pids = await Processes.ReadPidsAsync(_pidFile, 6, TimeSpan.FromSeconds(15));
        _seen.AddRange(pids);
        Assert.All(pids, pid => Assert.True(Processes.IsAlive(pid), $"{pid} should run before the cancel"));
        cancel.Cancel();
        var run = await running.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(ScanOutcome.Canceled, run.Outcome);
        Assert.True(run.Retryable);
        Assert.Null(run.ExitCode);
        Assert.False(run.IsComplete);
        Assert.Contains("canceled", run.FailureReason);
        Assert.Empty(await Processes.WaitGoneAsync(pids, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_TimedOut_KillsTheScannerAndAllItsDescendants()
    {
        var entry = ScanEngines.Entry("slow-tree", SlowTreeScript(), [], timeout: TimeSpan.FromSeconds(2));
        var engine = ScanEngines.Create(ScanEngines.Policy(), [entry]);

        var running = engine.RunAsync("cmd-timeout", "slow-tree", ScanEngines.Parameters(), CancellationToken.None);
        var pids = await Processes.ReadPidsAsync(_pidFile, 6, TimeSpan.FromSeconds(15));
        _seen.AddRange(pids);
        var run = await running.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ScanOutcome.TimedOut, run.Outcome);
        Assert.True(run.Retryable);
        Assert.Contains("timeout", run.FailureReason);
        Assert.InRange(run.Duration, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(15));
        Assert.Empty(await Processes.WaitGoneAsync(pids, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_RequestedTimeout_OverridesTheDefault()
    {
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("slow-tree", SlowTreeScript(), [])]);

        var running = engine.RunAsync(new ScanRequest("cmd-timeout-2", "slow-tree", ScanEngines.Parameters(), TimeSpan.FromSeconds(1)), CancellationToken.None);
        var pids = await Processes.ReadPidsAsync(_pidFile, 6, TimeSpan.FromSeconds(15));
        _seen.AddRange(pids);

        Assert.Equal(ScanOutcome.TimedOut, (await running.WaitAsync(TimeSpan.FromSeconds(20))).Outcome);
        Assert.Empty(await Processes.WaitGoneAsync(pids, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_TimeoutOnTheInjectedClock_StopsTheScanner()
    {
        var time = new FakeTimeProvider();
        var script = Scripts.Write(_temp.Combine("hang.sh"), $"echo $$ >> '{_pidFile}'\nexec sleep 300");
        var process = new ScannerProcess(ProcessTreeKillers.Current, time);

        var running = process.RunAsync(script, [], _temp.Path, TimeSpan.FromMinutes(10), OutputLimits.Default, CancellationToken.None);
        var pids = await Processes.ReadPidsAsync(_pidFile, 1, TimeSpan.FromSeconds(15));
        _seen.AddRange(pids);
        time.Advance(TimeSpan.FromMinutes(10));
        var result = await running.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(ProcessEnd.TimedOut, result.End);
        Assert.Equal(TimeSpan.FromMinutes(10), result.Duration);
        Assert.Empty(await Processes.WaitGoneAsync(pids, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_ScannerLeavesABackgroundProcess_ItIsKilledWhenTheScannerExits()
    {
        var script = Scripts.Write(_temp.Combine("leaves.sh"), $"sleep 300 > /dev/null 2>&1 &\necho $! >> '{_pidFile}'\nexit 0");
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("leaves", script, [])]);

        var run = await engine.RunAsync("cmd-leaves", "leaves", ScanEngines.Parameters(), CancellationToken.None);
        var pids = await Processes.ReadPidsAsync(_pidFile, 1, TimeSpan.FromSeconds(5));
        _seen.AddRange(pids);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.Contains(run.Warnings, w => w.Contains("left running were killed", StringComparison.Ordinal));
        Assert.Empty(await Processes.WaitGoneAsync(pids, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_CanceledBeforeStart_RunsNothing()
    {
        var script = Scripts.Write(_temp.Combine("records.sh"), $"echo $$ >> '{_pidFile}'");
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("records", script, [])]);

        var run = await engine.RunAsync("cmd-early", "records", ScanEngines.Parameters(), new CancellationToken(canceled: true));

        Assert.Equal(ScanOutcome.Canceled, run.Outcome);
        Assert.False(File.Exists(_pidFile));
    }

    [Fact]
    public async Task RunAsync_OutputOverTheCap_IsTruncatedTheScannerStoppedAndMemoryBounded()
    {
        // 1 GiB of output if it ran to the end; the cap is 1 MiB.
        var script = Scripts.Write(_temp.Combine("spew.sh"), $"echo $$ >> '{_pidFile}'\nhead -c 1073741824 /dev/zero | tr '\\0' 'x'");
        var limits = OutputLimits.Default with { MaxStdoutBytes = 1024 * 1024 };
        var process = new ScannerProcess(ProcessTreeKillers.Current, TimeProvider.System);

        var result = await process.RunAsync(script, [], _temp.Path, TimeSpan.FromMinutes(1), limits, CancellationToken.None);
        _seen.AddRange(await Processes.ReadPidsAsync(_pidFile, 1, TimeSpan.FromSeconds(5)));

        Assert.Equal(ProcessEnd.OutputCapExceeded, result.End);
        Assert.True(result.StdoutTruncated);
        Assert.Equal(limits.MaxStdoutBytes, result.StandardOutput.Length);
        Assert.True(result.Duration < TimeSpan.FromSeconds(30), $"took {result.Duration}");
        Assert.InRange(result.LogTail.Length, 1, limits.LogTailBytes);
        Assert.Empty(await Processes.WaitGoneAsync(_seen, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_SarifOverTheCap_IsAFailedRunWithThePartialFindings()
    {
        // A valid SARIF head with many results, never closed: the cap cuts it.
        var result = """{"ruleId":"R1","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"/src/a.c"},"region":{"startLine":1}}}]}""";
        var script = Scripts.Write(_temp.Combine("sarif-spew.sh"),
            $"printf '%s' '{{\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"x\"}}}},\"results\":['\n" +
            $"while true; do printf '%s,' '{result}'; done");
        var entry = ScanEngines.Entry("sarif-stub", script, [], parser: "sarif", limits: OutputLimits.Default with { MaxStdoutBytes = 64 * 1024 });
        var engine = ScanEngines.Create(ScanEngines.Policy(), [entry]);

        var run = await engine.RunAsync("cmd-sarif-cap", "sarif-stub", ScanEngines.Parameters(), CancellationToken.None);

        Assert.Equal(ScanOutcome.Failed, run.Outcome);
        Assert.True(run.Truncated);
        Assert.False(run.Retryable);
        Assert.Equal(ParseStatus.Partial, run.ParseStatus);
        Assert.Contains("output cap", run.FailureReason);
        Assert.InRange(run.Findings.Count, 100, 64 * 1024 / result.Length);
        Assert.Equal(run.Findings.Count, run.Findings.Select(f => f.Fingerprint).Distinct().Count());
    }

    [Theory]
    [InlineData("printf 'this is not SARIF'", ParseStatus.Failed)]
    [InlineData("printf '{\"runs\":[{\"results\":[{\"ruleId\":\"R\",\"message\":{\"text\":\"m\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"/a.c\"}}}]},{\"ruleId\":'", ParseStatus.Partial)]
    public async Task RunAsync_MalformedOutput_IsAClearResultNotACrash(string body, ParseStatus status)
    {
        var script = Scripts.Write(_temp.Combine("bad-sarif.sh"), body);
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("sarif-stub", script, [], parser: "sarif")]);

        var run = await engine.RunAsync("cmd-bad-sarif", "sarif-stub", ScanEngines.Parameters(), CancellationToken.None);

        Assert.Equal(status, run.ParseStatus);
        Assert.False(run.IsComplete);
        if (status == ParseStatus.Failed)
        {
            Assert.Equal(ScanOutcome.Failed, run.Outcome);
            Assert.Contains("could not be read", run.FailureReason);
        }
        else
        {
            Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
            Assert.Equal("R", Assert.Single(run.Findings).RuleId);
            Assert.Contains(run.Warnings, w => w.Contains("malformed or incomplete", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RunAsync_StderrOverTheCap_IsTruncatedButTheScannerFinishes()
    {
        var script = Scripts.Write(_temp.Combine("noisy.sh"), "head -c 300000 /dev/zero | tr '\\0' 'e' >&2\necho done\nexit 0");
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("noisy", script, [])]);

        var run = await engine.RunAsync("cmd-noisy", "noisy", ScanEngines.Parameters(), CancellationToken.None);

        Assert.Equal(ScanOutcome.Succeeded, run.Outcome);
        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Truncated);
        Assert.False(run.IsComplete);
        Assert.Contains(run.Warnings, w => w.Contains("stderr", StringComparison.Ordinal));
        // The two pipes are read concurrently: where stdout lands among the buffered stderr in the tail is not fixed.
        Assert.InRange(run.LogTail.Length, 1, OutputLimits.Default.LogTailBytes);
    }

    [Fact]
    public async Task RunAsync_LogTail_IsTheLastOutputWithSecretsMasked()
    {
        var script = Scripts.Write(_temp.Combine("talks.sh"),
            "i=0; while [ $i -lt 3000 ]; do echo \"line $i of the scanner's chatter\"; i=$((i+1)); done\n" +
            "echo 'password=hunter2secret'\necho LAST-LINE");
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("talks", script, [])]);

        var run = await engine.RunAsync("cmd-tail", "talks", ScanEngines.Parameters(), CancellationToken.None);

        Assert.InRange(run.LogTail.Length, 15 * 1024, 16 * 1024);
        Assert.EndsWith("LAST-LINE\n", run.LogTail);
        Assert.DoesNotContain("line 0 of", run.LogTail);
        Assert.DoesNotContain("hunter2secret", run.LogTail);
        Assert.Contains("password=****", run.LogTail);
    }

    [Fact]
    public async Task RunAsync_UnexpectedExitCode_FailsRetryably()
    {
        var script = Scripts.Write(_temp.Combine("crash.sh"), "echo 'something broke' >&2\nexit 3");
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("crash", script, [])]);

        var run = await engine.RunAsync("cmd-crash", "crash", ScanEngines.Parameters(), CancellationToken.None);

        Assert.Equal(ScanOutcome.Failed, run.Outcome);
        Assert.Equal(3, run.ExitCode);
        Assert.True(run.Retryable);
        Assert.Contains("unexpected code 3", run.FailureReason);
        Assert.Contains("something broke", run.LogTail);
    }

    [Fact]
    public async Task RunAsync_ExecutableThatCannotStart_FailsWithAReason()
    {
        var notExecutable = _temp.Combine("not-executable.sh");
        File.WriteAllText(notExecutable, "#!/bin/sh\necho hi\n");
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("broken", notExecutable, [])]);

        var run = await engine.RunAsync("cmd-broken", "broken", ScanEngines.Parameters(), CancellationToken.None);

        Assert.Equal(ScanOutcome.Failed, run.Outcome);
        Assert.Contains("could not be started", run.FailureReason);
        Assert.False(run.Retryable);
    }

    [Fact]
    public async Task RunAsync_ExecutableMissing_IsRefusedAsNotInstalled()
    {
        var engine = ScanEngines.Create(ScanEngines.Policy(), [ScanEngines.Entry("gone", _temp.Combine("gone.sh"), [])]);

        var run = await engine.RunAsync("cmd-gone", "gone", ScanEngines.Parameters(), CancellationToken.None);

        Assert.Equal(ScanOutcome.Refused, run.Outcome);
        Assert.Contains("not installed", run.FailureReason);
    }

    [Fact]
    public async Task RunAsync_Scanner_DoesNotSeeTheBootstrapTokenButCarriesTheRunMarker()
    {
        var envFile = _temp.Combine("env");
        var script = Scripts.Write(_temp.Combine("env.sh"), $"env > '{envFile}'");
        Environment.SetEnvironmentVariable("SECPLAT_TOKEN", "spbt_leaked");
        try
        {
            var process = new ScannerProcess(ProcessTreeKillers.Current, TimeProvider.System);
            await process.RunAsync(script, [], _temp.Path, TimeSpan.FromSeconds(30), OutputLimits.Default, CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SECPLAT_TOKEN", null);
        }

        var environment = File.ReadAllText(envFile);
        Assert.DoesNotContain("spbt_leaked", environment);
        Assert.Matches($"{IProcessTreeKiller.MarkerVariable}=[0-9a-f]{{32}}", environment);
    }

    public void Dispose()
    {
        Processes.KillAll(_seen);
        _temp.Dispose();
    }
}
