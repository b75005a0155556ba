using System.Net;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

public abstract class RegistrationApiTests : ControlPlaneApiTests
{
    [Fact]
    public async Task Register_FiftyConcurrentOnOneUseToken_ExactlyOneSucceedsEachRound()
    {
        await using var cp = await StartAsync("--Security:RegistrationMaxFailuresPerPeer", "100000", "--Security:RegistrationMaxFailuresPerToken", "100000");
        var tenant = await cp.CreateTenantAsync();
        var gateway = cp.Gateway();
        for (var round = 0; round < 20; round++)
        {
            var token = await cp.CreateTokenAsync(tenant.Name);
            var attempts = Enumerable.Range(0, 50).Select(async i =>
            {
                try
                {
                    await gateway.RegisterAsync(ApiTestData.Registration(token.Secret, $"racer-{round}-{i}"));
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            });
            var outcomes = await Task.WhenAll(attempts);
            Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
            Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.Unauthenticated, o));
        }

        var agents = await cp.Agents().ListAgentsAsync(new ListAgentsRequest { PageSize = 1000 });
        Assert.Equal(20, agents.Items.Count);
    }

    [Fact]
    public async Task Register_BadTokens_SameUnauthenticatedAnswerNoAgentAttemptRecorded()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var tokens = cp.Tokens();

        var expired = await cp.CreateTokenAsync(tenant.Name);
        var revoked = await cp.CreateTokenAsync(tenant.Name);
        await tokens.RevokeBootstrapTokenAsync(new RevokeBootstrapTokenRequest { Id = revoked.Token.Id });
        // These outlive the clock advance below, so their own reason (not "expired") is recorded.
        var usedUp = await tokens.CreateBootstrapTokenAsync(new CreateBootstrapTokenRequest { Tenant = tenant.Id, TtlSeconds = 7200 });
        await cp.Gateway().RegisterAsync(ApiTestData.Registration(usedUp.Secret, "first"));
        var cidrRefused = await tokens.CreateBootstrapTokenAsync(new CreateBootstrapTokenRequest { Tenant = tenant.Id, TtlSeconds = 7200, Cidrs = { "10.0.0.0/8" } });
        var wrongSecret = usedUp.Secret[..^4] + "AAAA";
        cp.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        string[] bad = [expired.Secret, revoked.Secret, usedUp.Secret, cidrRefused.Secret, "garbage", "spbt_abcdefghijkl_" + new string('x', 43), wrongSecret, ""];
        var answers = new List<(StatusCode, string)>();
        foreach (var token in bad)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => cp.Gateway().RegisterAsync(ApiTestData.Registration(token, "bad")).ResponseAsync);
            answers.Add((e.StatusCode, e.Status.Detail));
        }

        Assert.All(answers, a => Assert.Equal((StatusCode.Unauthenticated, "the bootstrap token was refused"), a));
        var agents = await cp.Agents().ListAgentsAsync(new ListAgentsRequest());
        Assert.Equal("first", Assert.Single(agents.Items).Name);
        var trail = (await cp.Agents().ListRegistrationsAsync(new ListRegistrationsRequest { PageSize = 100 })).Items;
        Assert.Equal(bad.Length + 1, trail.Count);
        Assert.Equal(bad.Length, trail.Count(r => r.Outcome == "failed"));
        Assert.Contains(trail, r => r.TokenId == expired.Token.Id && r.Reason == "expired");
        Assert.Contains(trail, r => r.TokenId == revoked.Token.Id && r.Reason == "revoked");
        Assert.Contains(trail, r => r.TokenId == usedUp.Token.Id && r.Reason == "used up");
        Assert.Contains(trail, r => r.TokenId == cidrRefused.Token.Id && r.Reason.Contains("CIDR"));
        Assert.Contains(trail, r => r.Reason == "malformed token");
        Assert.Contains(trail, r => r.Reason == "unknown token");
        Assert.Contains(trail, r => r.Reason == "wrong secret");
        Assert.All(trail, r => Assert.Equal("127.0.0.1", r.PeerAddress));
    }

    [Fact]
    public async Task Register_RepeatedFailuresFromOnePeer_ThrottledWhileAnotherPeerSucceeds()
    {
        await using var cp = await StartAsync("--Security:RegistrationMaxFailuresPerPeer", "5");
        var tenant = await cp.CreateTenantAsync();
        var attacker = cp.Gateway(sourceAddress: IPAddress.Parse("127.0.0.2"));
        for (var i = 0; i < 5; i++)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => attacker.RegisterAsync(ApiTestData.Registration("spbt_garbage")).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        }

        var valid = await cp.CreateTokenAsync(tenant.Name, maxUses: 2);
        var throttled = await Assert.ThrowsAsync<RpcException>(() => attacker.RegisterAsync(ApiTestData.Registration(valid.Secret)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);

        var registered = await cp.Gateway(sourceAddress: IPAddress.Parse("127.0.0.3")).RegisterAsync(ApiTestData.Registration(valid.Secret, "honest"));
        Assert.False(string.IsNullOrEmpty(registered.AgentId));

        // The window passes: the peer may try again.
        cp.Time.Advance(TimeSpan.FromMinutes(2));
        var later = await attacker.RegisterAsync(ApiTestData.Registration(valid.Secret, "later"));
        Assert.False(string.IsNullOrEmpty(later.AgentId));
    }

    [Fact]
    public async Task Register_TokenCidrAllowList_AdmitsOnlyListedPeers()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name, maxUses: 5, cidrs: "127.0.0.3/32");
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Gateway(sourceAddress: IPAddress.Parse("127.0.0.2")).RegisterAsync(ApiTestData.Registration(token.Secret)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var admitted = await cp.Gateway(sourceAddress: IPAddress.Parse("127.0.0.3")).RegisterAsync(ApiTestData.Registration(token.Secret));
        Assert.Equal(tenant.Id, admitted.TenantId);
    }

    [Fact]
    public async Task Register_MalformedFields_InvalidArgumentAndNothingWritten()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name);
        var noHost = ApiTestData.Registration(token.Secret);
        noHost.Hostname = "";
        var badLabel = ApiTestData.Registration(token.Secret);
        badLabel.Labels.Add("Bad Key!", "x");
        var badScanner = ApiTestData.Registration(token.Secret);
        badScanner.Capabilities.Add(new Contracts.Agent.V1.Capability { Scanner = "-rf /" });
        var longName = ApiTestData.Registration(token.Secret, new string('n', 300));

        foreach (var request in new[] { noHost, badLabel, badScanner, longName })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => cp.Gateway().RegisterAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(e.Status.Detail));
        }

        // The token's one use is still there: nothing was consumed or half-written.
        Assert.Empty((await cp.Agents().ListAgentsAsync(new ListAgentsRequest())).Items);
        var ok = await cp.Gateway().RegisterAsync(ApiTestData.Registration(token.Secret));
        Assert.Equal(tenant.Id, ok.TenantId);
    }

    [Fact]
    public async Task Register_TokenLabels_WinOverRequestedLabels()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var request = new CreateBootstrapTokenRequest { Tenant = tenant.Id, Labels = { ["env"] = "prod", ["team"] = "red" } };
        var token = await cp.Tokens().CreateBootstrapTokenAsync(request);
        var registration = ApiTestData.Registration(token.Secret);
        registration.Labels.Add("env", "dev");
        registration.Labels.Add("rack", "r1");
        var agent = await cp.Gateway().RegisterAsync(registration);
        Assert.Equal("prod", agent.Labels["env"]);
        Assert.Equal("r1", agent.Labels["rack"]);
        Assert.Equal("red", agent.Labels["team"]);
    }
}
