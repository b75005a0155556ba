using System.Text.Json;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class PolicyCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestRuntime _runtime = new();

    private string StateDirectory => _temp.Combine("state");

    [Fact]
    public async Task Show_NothingSet_SaysNothingCanBeScanned()
    {
        var run = await CliRun.InvokeAsync(_runtime, "policy", "show", "--state-dir", StateDirectory);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"allowed paths: +none", run.Output);
        Assert.Matches(@"allowed networks: +none", run.Output);
        Assert.Contains("every installed scanner", run.Output);
        Assert.Contains("nothing can be scanned", run.Output);
        Assert.False(Directory.Exists(StateDirectory));
    }

    [Fact]
    public async Task Set_ThenShowJson_PrintsThePolicy()
    {
        var set = await CliRun.InvokeAsync(_runtime, "policy", "set", "--state-dir", StateDirectory,
            "--allow-path", _temp.Path, "--allow-cidr", "127.0.0.0/8", "--allow-cidr", "10.0.0.5/32:22,443", "--allow-scanner", "nmap");
        var show = await CliRun.InvokeAsync(_runtime, "policy", "show", "--state-dir", StateDirectory, "--output", "json");

        Assert.Equal(0, set.ExitCode);
        Assert.Equal("", set.Error);
        Assert.Equal(0, show.ExitCode);
        var json = JsonDocument.Parse(show.Output).RootElement;
        Assert.Equal([_temp.Path], json.GetProperty("allowedPaths").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["127.0.0.0/8", "10.0.0.5/32:22,443"], json.GetProperty("allowedNetworks").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["nmap"], json.GetProperty("allowedScanners").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Set_Again_ReplacesTheWholePolicy()
    {
        await CliRun.InvokeAsync(_runtime, "policy", "set", "--state-dir", StateDirectory, "--allow-path", _temp.Path, "--allow-cidr", "127.0.0.0/8");
        var set = await CliRun.InvokeAsync(_runtime, "policy", "set", "--state-dir", StateDirectory, "--allow-cidr", "10.0.0.0/8");

        Assert.Equal(0, set.ExitCode);
        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        var policy = store.GetPolicy();
        Assert.Empty(policy.PathRoots);
        Assert.Equal(["10.0.0.0/8"], policy.Networks.Select(n => n.ToString()));
        Assert.Null(policy.Scanners);
    }

    [Fact]
    public async Task Set_MissingDirectory_WarnsButStores()
    {
        var missing = _temp.Combine("not-yet");

        var run = await CliRun.InvokeAsync(_runtime, "policy", "set", "--state-dir", StateDirectory, "--allow-path", missing);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
    }

    [Theory]
    [InlineData("--allow-path", "relative/dir")]
    [InlineData("--allow-path", "/srv/../etc")]
    [InlineData("--allow-cidr", "127.0.0.1/8")]
    [InlineData("--allow-cidr", "everything")]
    [InlineData("--allow-scanner", "semgrep")]
    public async Task Set_MalformedOption_ExitsWithUsageAndStoresNothing(string option, string value)
    {
        var run = await CliRun.InvokeAsync(_runtime, "policy", "set", "--state-dir", StateDirectory, option, value);

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.StartsWith("secplat-agent: ", run.Error);
        Assert.False(Directory.Exists(StateDirectory));
    }

    [Fact]
    public async Task Register_WithPolicyOptions_StoresThePolicy()
    {
        _runtime.Gateway.OnRegister = _ => new RegisterResponse { AgentId = "agent0000001", AgentKey = Secrets.AgentKey().Value, TenantId = "tenant000001" };

        var run = await CliRun.InvokeAsync(_runtime, "register", "--server", "http://127.0.0.1:5080", "--state-dir", StateDirectory,
            "--token", Secrets.BootstrapToken().Value, "--allow-path", _temp.Path, "--allow-cidr", "127.0.0.1/32:22", "--allow-scanner", "shellcheck");

        Assert.Equal(0, run.ExitCode);
        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        var policy = store.GetPolicy();
        Assert.Equal([_temp.Path], policy.PathRoots);
        Assert.Equal(["127.0.0.1/32:22"], policy.Networks.Select(n => n.ToString()));
        Assert.Equal(["shellcheck"], policy.Scanners);
    }

    [Fact]
    public async Task Register_WithAllowScanner_OffersOnlyThoseScanners()
    {
        _runtime.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH")!;
        _runtime.Gateway.OnRegister = _ => new RegisterResponse { AgentId = "agent0000001", AgentKey = Secrets.AgentKey().Value, TenantId = "tenant000001" };

        var run = await CliRun.InvokeAsync(_runtime, "register", "--server", "http://127.0.0.1:5080", "--state-dir", StateDirectory,
            "--token", Secrets.BootstrapToken().Value, "--allow-scanner", "shellcheck", "--allow-scanner", "nmap");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["nmap", "shellcheck"], Assert.Single(_runtime.Gateway.Registrations).Capabilities.Select(c => c.Scanner));
    }

    [Fact]
    public async Task Register_MalformedPolicy_FailsBeforeCallingTheControlPlane()
    {
        var run = await CliRun.InvokeAsync(_runtime, "register", "--server", "http://127.0.0.1:5080", "--state-dir", StateDirectory,
            "--token", Secrets.BootstrapToken().Value, "--allow-cidr", "not-a-network");

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.Empty(_runtime.Gateway.Registrations);
    }

    [Fact]
    public async Task Register_WithoutPolicyOptions_KeepsTheStoredPolicy()
    {
        await CliRun.InvokeAsync(_runtime, "policy", "set", "--state-dir", StateDirectory, "--allow-path", _temp.Path);
        _runtime.Gateway.OnRegister = _ => new RegisterResponse { AgentId = "agent0000001", AgentKey = Secrets.AgentKey().Value, TenantId = "tenant000001" };

        var run = await CliRun.InvokeAsync(_runtime, "register", "--server", "http://127.0.0.1:5080", "--state-dir", StateDirectory, "--token", Secrets.BootstrapToken().Value);

        Assert.Equal(0, run.ExitCode);
        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        Assert.Equal([_temp.Path], store.GetPolicy().PathRoots);
    }

    public void Dispose() => _temp.Dispose();
}
