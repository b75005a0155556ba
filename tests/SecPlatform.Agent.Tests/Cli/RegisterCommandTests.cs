using Grpc.Core;
using SecPlatform.Agent.Cli;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class RegisterCommandTests : IDisposable
{
    private const string Server = "http://127.0.0.1:5080";

    private readonly TempDirectory _temp = new();
    private readonly TestRuntime _runtime = new();
    private readonly SecretToken _token = Secrets.BootstrapToken();
    private readonly SecretToken _agentKey = Secrets.AgentKey();

    public RegisterCommandTests()
    {
        _runtime.Gateway.OnRegister = request =>
        {
            var response = new RegisterResponse
            {
                AgentId = "agent0000001",
                AgentKey = _agentKey.Value,
                TenantId = "tenant000001",
                Lease = new LeaseParameters { LeaseDurationSeconds = 40, RenewIntervalSeconds = 10 },
            };
            response.Labels.Add(request.Labels);
            response.Labels["from-token"] = "yes";
            return response;
        };
    }

    private string StateDirectory => _temp.Combine("state");

    [Fact]
    public async Task Register_ValidToken_StoresIdentityAndPrintsOnlyTheAgentId()
    {
        var run = await RegisterAsync("--token", _token.Value, "--label", "env=prod", "--label", "team=blue");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("agent0000001" + Environment.NewLine, run.Output);
        Assert.Equal("", run.Error);
        Assert.DoesNotContain(_agentKey.Secret, run.Output + run.Error);

        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        var identity = store.GetIdentity()!;
        Assert.Equal("agent0000001", identity.AgentId);
        Assert.Equal(_agentKey.Value, identity.AgentKey.Value);
        Assert.Equal(new Uri(Server), identity.Server);
        Assert.Equal("tenant000001", identity.TenantId);
        Assert.False(identity.Platform);
        Assert.Equal(40, identity.LeaseDurationSeconds);
        Assert.Equal(10, identity.RenewIntervalSeconds);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["from-token"] = "yes", ["team"] = "blue" }, identity.Labels);
        Assert.Equal(_runtime.Time.GetUtcNow(), identity.RegisteredAt);
    }

    [Fact]
    public async Task Register_ValidToken_SendsMachineFactsWithoutAKey()
    {
        await RegisterAsync("--token", _token.Value, "--label", "env=prod");

        var request = Assert.Single(_runtime.Gateway.Registrations);
        Assert.Equal(_token.Value, request.BootstrapToken);
        Assert.Equal("test-host", request.Name);
        Assert.Equal("test-host", request.Hostname);
        Assert.Equal(AgentPlatforms.Current.OperatingSystemName, request.Os);
        Assert.Equal("x64", request.Arch);
        Assert.Equal("9.9.9-test", request.Version);
        Assert.Equal("prod", request.Labels["env"]);
        var (server, key) = Assert.Single(_runtime.Factory.Created);
        Assert.Equal(new Uri(Server), server);
        Assert.Null(key);
    }

    [Fact]
    public async Task Register_WithName_SendsThatName()
    {
        await RegisterAsync("--token", _token.Value, "--name", "db-primary");

        Assert.Equal("db-primary", Assert.Single(_runtime.Gateway.Registrations).Name);
    }

    [Fact]
    public async Task Register_ExistingIdentityWithoutForce_RefusesBeforeContactingTheServer()
    {
        using (var store = AgentStateStore.Open(StateDirectory, AgentPlatforms.Current))
        {
            store.SaveIdentity(Samples.Identity("existing0001"));
        }

        // No token at all: the identity check comes first, and no server is needed for it.
        var run = await RegisterAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already has an agent identity (agent existing0001", run.Error);
        Assert.Contains("--force", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(_runtime.Factory.Created);
        using var reopened = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        Assert.Equal("existing0001", reopened.GetIdentity()!.AgentId);
    }

    [Fact]
    public async Task Register_ExistingIdentityWithForce_ReplacesIt()
    {
        using (var store = AgentStateStore.Open(StateDirectory, AgentPlatforms.Current))
        {
            store.SaveIdentity(Samples.Identity("existing0001"));
        }

        var run = await RegisterAsync("--token", _token.Value, "--force");

        Assert.Equal(0, run.ExitCode);
        using var reopened = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        Assert.Equal("agent0000001", reopened.GetIdentity()!.AgentId);
    }

    [Fact]
    public async Task Register_TokenFromFile_ReadsAndTrimsIt()
    {
        var file = _temp.Combine("token");
        await File.WriteAllTextAsync(file, $"  {_token.Value}\n\n");

        var run = await RegisterAsync("--token-file", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(_token.Value, Assert.Single(_runtime.Gateway.Registrations).BootstrapToken);
    }

    [Fact]
    public async Task Register_TokenFromEnvironment_UsesIt()
    {
        _runtime.Environment["SECPLAT_TOKEN"] = _token.Value;

        var run = await RegisterAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(_token.Value, Assert.Single(_runtime.Gateway.Registrations).BootstrapToken);
    }

    [Fact]
    public async Task Register_NoToken_ExitsWithUsageAndSaysWhereToPutIt()
    {
        var run = await RegisterAsync();

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.Equal("secplat-agent: no bootstrap token: pass --token-file FILE, set $SECPLAT_TOKEN, or pass --token TOKEN" + Environment.NewLine, run.Error);
        Assert.Empty(_runtime.Factory.Created);
    }

    [Fact]
    public async Task Register_TokenRefused_ExitsRevokedWithTheOneClearLine()
    {
        _runtime.Gateway.OnRegister = _ => throw FakeAgentGateway.Error(StatusCode.Unauthenticated, "invalid bootstrap token");

        var run = await RegisterAsync("--token", _token.Value);

        Assert.Equal((int)AgentExitCode.Revoked, run.ExitCode);
        Assert.Equal("secplat-agent: the bootstrap token was refused (bad, expired, revoked, used up, or not allowed from this address)" + Environment.NewLine, run.Error);
        Assert.DoesNotContain(_token.Secret, run.Output + run.Error);
        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        Assert.Null(store.GetIdentity());
    }

    [Fact]
    public async Task Register_InvalidArgument_PrintsTheServersDetail()
    {
        _runtime.Gateway.OnRegister = _ => throw FakeAgentGateway.Error(StatusCode.InvalidArgument, "label key 'Bad Key' is not allowed");

        var run = await RegisterAsync("--token", _token.Value);

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.Equal("secplat-agent: the control plane refused the registration: label key 'Bad Key' is not allowed" + Environment.NewLine, run.Error);
    }

    [Fact]
    public async Task Register_ControlPlaneUnreachable_SaysSoWithTheUrl()
    {
        _runtime.Gateway.OnRegister = _ => throw FakeAgentGateway.Error(StatusCode.Unavailable, "Connection refused (127.0.0.1:5080)");

        var run = await RegisterAsync("--token", _token.Value);

        Assert.Equal((int)AgentExitCode.Error, run.ExitCode);
        Assert.Equal("secplat-agent: cannot reach the control plane at http://127.0.0.1:5080/: Connection refused (127.0.0.1:5080)" + Environment.NewLine, run.Error);
    }

    [Theory]
    [InlineData("--label", "noequals")]
    [InlineData("--label", "=value")]
    [InlineData("--server", "not a url")]
    [InlineData("--server", "ftp://example.org")]
    public async Task Register_MalformedOption_ExitsWithUsage(string option, string value)
    {
        var args = new List<string> { "register", "--server", Server, "--state-dir", StateDirectory, "--token", _token.Value };
        if (option == "--server")
        {
            args[2] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var run = await CliRun.InvokeAsync(_runtime, [.. args]);

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.Empty(_runtime.Factory.Created);
    }

    [Fact]
    public async Task Register_WithoutServer_ExitsWithUsage()
    {
        var run = await CliRun.InvokeAsync(_runtime, "register", "--token", _token.Value, "--state-dir", StateDirectory);

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.Contains("--server", run.Error);
    }

    [Fact]
    public async Task Register_HttpsWithPin_PassesThePinAndStoresItWithTheIdentity()
    {
        var pin = "sha256//" + Convert.ToBase64String(new byte[32]);

        var run = await CliRun.InvokeAsync(_runtime, ["register", "--server", "https://cp.example.test:8443", "--pin", pin,
            "--state-dir", StateDirectory, "--token", _token.Value]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(pin, Assert.Single(_runtime.Factory.Pins));
        using var store = AgentStateStore.OpenExisting(StateDirectory, AgentPlatforms.Current)!;
        Assert.Equal(pin, store.GetIdentity()!.ServerPin);
    }

    [Theory]
    [InlineData("http://cp.example.test:8080", null, "plain http is allowed to a loopback control plane only")]
    [InlineData("http://10.0.0.5:8080", null, "plain http is allowed to a loopback control plane only")]
    [InlineData("https://cp.example.test:8443", "sha256//tooShort", "--pin takes sha256//")]
    [InlineData("https://cp.example.test:8443", "md5//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "--pin takes sha256//")]
    [InlineData("http://127.0.0.1:8080", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "--pin applies to an https:// server only")]
    public async Task Register_CleartextToAnotherHostOrBadPin_UsageErrorNothingSent(string server, string? pin, string message)
    {
        var run = await CliRun.InvokeAsync(_runtime, ["register", "--server", server, .. pin is null ? Array.Empty<string>() : ["--pin", pin],
            "--state-dir", StateDirectory, "--token", _token.Value]);

        Assert.Equal((int)AgentExitCode.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Empty(_runtime.Gateway.Registrations);
    }

    [Theory]
    [InlineData("http://localhost:8080")]
    [InlineData("http://127.0.0.9:8080")]
    [InlineData("http://[::1]:8080")]
    public void ServerUrl_LoopbackHttp_Accepted(string url) => Assert.Equal(new Uri(url), ServerUrl.Parse(url));

    private Task<CliRun> RegisterAsync(params string[] extra) =>
        CliRun.InvokeAsync(_runtime, ["register", "--server", Server, "--state-dir", StateDirectory, .. extra]);

    public void Dispose() => _temp.Dispose();
}
