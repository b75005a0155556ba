using System.Runtime.Versioning;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// <c>secplat commands cancel</c> and a command's <c>--timeout</c> stop a scanner that never ends by itself, with its
/// child and grandchild: no process of the scan is left, and the command ends canceled or failed.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CancelAndTimeoutTests : IDisposable
{
    // Nothing here waits for a lease to run out; a longer one keeps a loaded machine from fencing a scan by accident.
    private const int LeaseSeconds = 10;
    private const string Tenant = "acme";

    private readonly string _root = Directory.CreateTempSubdirectory("secplat-e2e-cancel-").FullName;
    private readonly string _control;

    public CancelAndTimeoutTests()
    {
        _control = Directory.CreateDirectory(Path.Combine(_root, "control")).FullName;
    }

    [Fact]
    public async Task CancelAndTimeout_KillTheScannerAndItsChildren_CommandsEndCanceledAndFailed()
    {
        var canceled = Targets.Write(_root, "a/cancel.sh");
        var timedOut = Targets.Write(_root, "b/timeout.sh");
        var shims = Path.Combine(_root, "shims");
        ScannerShims.Tree(shims, _control, "shellcheck");

        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", Tenant);
        await using var agent = await AgentProcess.RegisterAsync(cp, Tenant, "stubborn-1", ["--allow-path", _root]);
        agent.Start(new Dictionary<string, string?> { ["PATH"] = ScannerShims.Path(shims) });
        await agent.WaitForLogAsync("Taking work");

        var cancelId = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = canceled });
        var timeoutId = await cp.EnqueueAsync(Tenant, "shellcheck", new Dictionary<string, string> { ["path"] = timedOut }, "--timeout", "3s");
        var cancelPids = await PidsAsync("cancel.sh", agent);
        var timeoutPids = await PidsAsync("timeout.sh", agent);
        // The timed-out scan may be gone already; the one to cancel runs until it is canceled.
        Assert.All(cancelPids, pid => Assert.True(Targets.IsAlive(pid), $"process {pid} of the scan is not running"));

        var cancel = await cp.CliAsync("commands", "cancel", cancelId);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        var commands = await cp.WaitFinishedAsync(Tenant, TimeSpan.FromSeconds(60), cancelId, timeoutId);

        Assert.True(commands[0].Str("status") == "canceled", $"{commands[0].ToJsonString()}\n{agent.Log}");
        Assert.True(commands[1].Str("status") == "failed", $"{commands[1].ToJsonString()}\n{agent.Log}");
        Assert.Equal(1, commands[1].Long("attempt"));
        // Whichever saw the 3 s pass first: the control plane's sweep ("timed out after 3 s") or the agent ("ran past its 3 s timeout").
        Assert.Matches("timed out|timeout", commands[1].Str("statusReason") + " " + commands[1].Str("error"));
        await Targets.WaitUntilAsync(() => !cancelPids.Concat(timeoutPids).Any(Targets.IsAlive), TimeSpan.FromSeconds(10),
            () => $"processes left: {string.Join(", ", cancelPids.Concat(timeoutPids).Where(Targets.IsAlive))}\n{agent.Log}");
        Assert.Contains($"Command {cancelId}: the control plane asks to stop it", agent.Log);
        Assert.Contains($"Command {cancelId} (token 1) recorded in the outbox: Canceled", agent.Log);
        Assert.Empty(await cp.FindingsAsync(Tenant, cancelId));
    }

    private async Task<IReadOnlyList<int>> PidsAsync(string name, AgentProcess agent)
    {
        var file = Path.Combine(_control, name + ".pids");
        IReadOnlyList<int> pids = [];
        await Targets.WaitUntilAsync(() =>
        {
            pids = File.Exists(file) ? [.. File.ReadAllLines(file).Where(line => int.TryParse(line, out _)).Select(int.Parse)] : [];
            return pids.Count >= 4;
        }, TimeSpan.FromSeconds(30), () => $"{name}: {pids.Count} of 4 pids\n{agent.Log}");
        return pids;
    }

    public void Dispose()
    {
        foreach (var file in Directory.Exists(_control) ? Directory.GetFiles(_control, "*.pids") : [])
        {
            foreach (var line in File.ReadAllLines(file))
            {
                // A failing test must not leave sleepers behind.
                if (int.TryParse(line, out var pid) && Targets.IsAlive(pid))
                {
                    try
                    {
                        System.Diagnostics.Process.GetProcessById(pid).Kill();
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                    }
                }
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
