using System.Text.Json;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class StatusCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestRuntime _runtime = new();
    private readonly AgentIdentity _identity = Samples.Identity();

    private string StateDirectory => _temp.Combine("state");

    [Fact]
    public async Task Status_NoStateDirectory_ExitsNotRegistered()
    {
        var run = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory);

        Assert.Equal((int)AgentExitCode.NotRegistered, run.ExitCode);
        Assert.Contains("not registered", run.Error);
        Assert.False(Directory.Exists(StateDirectory));
    }

    [Fact]
    public async Task Status_StateWithoutIdentity_ExitsNotRegistered()
    {
        AgentStateStore.Open(StateDirectory, AgentPlatforms.Current).Dispose();

        var run = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory);

        Assert.Equal((int)AgentExitCode.NotRegistered, run.ExitCode);
    }

    [Fact]
    public async Task Status_StateDirectoryFromEnvironment_IsUsed()
    {
        Save(withLease: false);
        _runtime.Environment[SecPlatform.Agent.State.StateDirectory.EnvironmentVariable] = StateDirectory;

        var run = await CliRun.InvokeAsync(_runtime, "status");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(_identity.AgentId, run.Output);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("json")]
    public async Task Status_Registered_NeverPrintsTheKey(string format)
    {
        Save(withLease: true);

        var run = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory, "--output", format);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(_identity.AgentId, run.Output);
        Assert.DoesNotContain(_identity.AgentKey.Secret, run.Output + run.Error);
        Assert.DoesNotContain(_identity.AgentKey.Value, run.Output + run.Error);
        Assert.DoesNotContain("spak_", run.Output);
    }

    [Fact]
    public async Task Status_Table_ShowsIdentityAndLease()
    {
        Save(withLease: true);

        var run = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory);

        Assert.Contains("tenant tenant000001", run.Output);
        Assert.Contains("env=prod, team=blue", run.Output);
        Assert.Contains("web-1/4242/abcdef012345", run.Output);
        Assert.Contains("2026-03-01 12:00:10Z (local clock)", run.Output);
        Assert.Contains("40 s", run.Output);
        Assert.Matches(@"transitions:\s+7", run.Output);
        Assert.Matches(@"drain:\s+yes", run.Output);
    }

    [Fact]
    public async Task Status_Json_HasLowerCamelCaseFields()
    {
        Save(withLease: true);

        var run = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory, "--output", "json");

        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("agent0000001", root.GetProperty("agentId").GetString());
        Assert.Equal("http://127.0.0.1:5080/", root.GetProperty("server").GetString());
        Assert.Equal("tenant000001", root.GetProperty("tenantId").GetString());
        Assert.False(root.GetProperty("platform").GetBoolean());
        Assert.Equal("prod", root.GetProperty("labels").GetProperty("env").GetString());
        var lease = root.GetProperty("lease");
        Assert.Equal("web-1/4242/abcdef012345", lease.GetProperty("holderIdentity").GetString());
        Assert.Equal(40, lease.GetProperty("leaseDurationSeconds").GetInt32());
        Assert.Equal(7, lease.GetProperty("transitions").GetInt64());
        Assert.True(lease.GetProperty("drain").GetBoolean());
        Assert.False(lease.GetProperty("cordoned").GetBoolean());
    }

    [Fact]
    public async Task Status_NeverRenewed_SaysSoAndJsonLeaseIsNull()
    {
        Save(withLease: false);

        var table = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory);
        var json = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory, "--output", "json");

        Assert.Contains("never renewed", table.Output);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("lease").ValueKind);
    }

    [Fact]
    public async Task Status_UnknownOutputFormat_ExitsWithUsage()
    {
        var run = await CliRun.InvokeAsync(_runtime, "status", "--state-dir", StateDirectory, "--output", "yaml");

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
    }

    private void Save(bool withLease)
    {
        using var store = AgentStateStore.Open(StateDirectory, AgentPlatforms.Current);
        store.SaveIdentity(_identity);
        if (withLease)
        {
            store.SaveLease(new LeaseState("web-1/4242/abcdef012345", new DateTimeOffset(2026, 3, 1, 12, 0, 9, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 1, 12, 0, 10, TimeSpan.Zero), null, 40, 10, 7, Drain: true, Cordoned: false));
        }
    }

    public void Dispose() => _temp.Dispose();
}
