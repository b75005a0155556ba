using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using AgentFinding = SecPlatform.Contracts.Agent.V1.Finding;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>Scan profiles and scan records through the real API (gRPC on loopback), with a real agent's calls.</summary>
public abstract class ScanApiTests : ControlPlaneApiTests
{
    [Fact]
    public async Task CreateScanProfile_BadInput_SameRefusalsAsEnqueueAndNothingStored()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var cases = new (CreateScanProfileRequest Request, StatusCode Code, string Says)[]
        {
            (Profile(tenant.Name, "p", "nessus", ("path", "/srv")), StatusCode.InvalidArgument, "unknown scanner"),
            (Profile(tenant.Name, "p", "shellcheck"), StatusCode.InvalidArgument, "needs parameter 'path'"),
            (Profile(tenant.Name, "p", "shellcheck", ("path", "relative/dir")), StatusCode.InvalidArgument, "absolute"),
            (Profile(tenant.Name, "p", "shellcheck", ("path", "/srv"), ("color", "always")), StatusCode.InvalidArgument, "takes no parameter 'color'"),
            (Profile(tenant.Name, "p", "nmap", ("host", "-sV"), ("ports", "22")), StatusCode.InvalidArgument, "must not start with '-'"),
            (Profile(tenant.Name, "p", "shellcheck", ("path", "/srv")).With(r => r.Priority = 500), StatusCode.InvalidArgument, "priority"),
            (Profile(tenant.Name, "p", "shellcheck", ("path", "/srv")).With(r => r.MaxAttempts = 11), StatusCode.InvalidArgument, "max_attempts"),
            (Profile(tenant.Name, "p", "shellcheck", ("path", "/srv")).With(r => r.AgentId = "zzzzzzzzzzzz"), StatusCode.NotFound, "agent"),
            (Profile(tenant.Name, "Bad Name", "shellcheck", ("path", "/srv")), StatusCode.InvalidArgument, "profile name"),
            (Profile(tenant.Name, "", "shellcheck", ("path", "/srv")), StatusCode.InvalidArgument, "profile name"),
            (Profile("no-such-tenant", "p", "shellcheck", ("path", "/srv")), StatusCode.NotFound, "tenant"),
            (Profile("", "p", "shellcheck", ("path", "/srv")), StatusCode.InvalidArgument, "tenant is required"),
        };
        foreach (var (request, code, says) in cases)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => cp.Scans().CreateScanProfileAsync(request).ResponseAsync);
            Assert.True(e.StatusCode == code && e.Status.Detail.Contains(says), $"{request}: {e.StatusCode} {e.Status.Detail}");
        }

        Assert.Empty((await cp.Scans().ListScanProfilesAsync(new ListScanProfilesRequest { Tenant = tenant.Name })).Items);
        await cp.Scans().CreateScanProfileAsync(Profile(tenant.Name, "nightly", "shellcheck", ("path", "/srv")));
        var duplicate = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Scans().CreateScanProfileAsync(Profile(tenant.Name, "nightly", "bandit", ("path", "/srv"))).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        Assert.Contains("nightly", duplicate.Status.Detail);
        Assert.Single((await cp.Scans().ListScanProfilesAsync(new ListScanProfilesRequest { Tenant = tenant.Name })).Items);
    }

    [Fact]
    public async Task RunProfile_EnqueuesItsScanWithItsName_ScanRecordShowsIt()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var created = await cp.Scans().CreateScanProfileAsync(Profile(tenant.Name, "nightly", "shellcheck", ("path", "/srv/app")).With(r =>
        {
            r.Priority = 7;
            r.MaxAttempts = 2;
            r.TimeoutSeconds = 90;
            r.Labels["env"] = "prod";
            r.Description = "every night";
        }));
        Assert.Equal(["shellcheck"], created.RequiredCapabilities);
        var byName = await cp.Scans().GetScanProfileAsync(new GetScanProfileRequest { Profile = "nightly", Tenant = tenant.Name });
        Assert.Equal(created, byName);
        Assert.Equal(created, await cp.Scans().GetScanProfileAsync(new GetScanProfileRequest { Profile = created.Id }));

        var queued = await cp.Commands().EnqueueCommandAsync(new EnqueueCommandRequest { Tenant = tenant.Name, Profile = "nightly" });
        Assert.Equal(("shellcheck", "/srv/app", 7, 2, 90, "prod", "nightly"),
            (queued.Scanner, queued.Parameters["path"], queued.Priority, queued.MaxAttempts, queued.TimeoutSeconds, queued.SelectorLabels["env"], queued.Profile));
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        var plain = await cp.Commands().EnqueueCommandAsync(new EnqueueCommandRequest { Tenant = tenant.Name, Scanner = "bandit" }.With(r => r.Parameters["path"] = "/srv"));

        var scans = await cp.Scans().ListScansAsync(new ListScansRequest { Tenant = tenant.Name, Profile = "nightly" });
        var scan = Assert.Single(scans.Items);
        Assert.Equal((queued.Id, "nightly", CommandStatus.Queued, 0), (scan.Id, scan.Profile, scan.Status, scan.FindingsNew));
        Assert.Equal([queued.Id, plain.Id], (await cp.Scans().ListScansAsync(new ListScansRequest { Tenant = tenant.Name })).Items.Select(s => s.Id));
        Assert.Equal([plain.Id], (await cp.Scans().ListScansAsync(new ListScansRequest { Tenant = tenant.Name, Scanner = "bandit" })).Items.Select(s => s.Id));
        Assert.Equal("nightly", (await cp.Scans().GetScanAsync(new GetScanRequest { Id = queued.Id })).Profile);

        var mixed = await Assert.ThrowsAsync<RpcException>(() => cp.Commands().EnqueueCommandAsync(
            new EnqueueCommandRequest { Tenant = tenant.Name, Profile = "nightly", Scanner = "bandit" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, mixed.StatusCode);
        Assert.Contains("profile", mixed.Status.Detail);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => cp.Commands().EnqueueCommandAsync(
            new EnqueueCommandRequest { Tenant = tenant.Name, Profile = "weekly" }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "scan profile 'weekly' not found"), (unknown.StatusCode, unknown.Status.Detail));

        // Deleting the profile leaves the scans queued from it as they were.
        await cp.Scans().DeleteScanProfileAsync(new DeleteScanProfileRequest { Profile = "nightly", Tenant = tenant.Name });
        Assert.Empty((await cp.Scans().ListScanProfilesAsync(new ListScanProfilesRequest { Tenant = tenant.Name })).Items);
        Assert.Equal("nightly", (await cp.Scans().GetScanAsync(new GetScanRequest { Id = queued.Id })).Profile);
        var gone = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Scans().GetScanProfileAsync(new GetScanProfileRequest { Profile = created.Id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task ScanRecord_TwoRunsThroughTheAgentApi_CountsNewSeenAgainResolved()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await cp.Scans().CreateScanProfileAsync(Profile(tenant.Name, "app", "shellcheck", ("path", "/srv/app")));

        var first = await RunAsync(cp, gateway, tenant.Name, [Script("a", Contracts.Agent.V1.Severity.High), Script("b", Contracts.Agent.V1.Severity.Low)]);
        // Resolution counts only what nobody saw since the next run was claimed.
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await RunAsync(cp, gateway, tenant.Name, [Script("a", Contracts.Agent.V1.Severity.High), Script("c", Contracts.Agent.V1.Severity.Critical)]);

        var one = await cp.Scans().GetScanAsync(new GetScanRequest { Id = first });
        Assert.Equal((2, 0, 0, 1, 1, 0), (one.FindingsNew, one.FindingsSeenAgain, one.FindingsResolved, one.High, one.Low, one.Critical));
        var two = await cp.Scans().GetScanAsync(new GetScanRequest { Id = second });
        Assert.Equal((1, 1, 1, 1, 0, 1), (two.FindingsNew, two.FindingsSeenAgain, two.FindingsResolved, two.High, two.Low, two.Critical));
        Assert.Equal((CommandStatus.Succeeded, agent.AgentId, "app"), (two.Status, two.AgentId, two.Profile));
        Assert.NotNull(two.StartedAt);
        Assert.NotNull(two.FinishedAt);
        var succeeded = await cp.Scans().ListScansAsync(new ListScansRequest { Tenant = tenant.Name, Status = "succeeded,failed" });
        Assert.Equal([first, second], succeeded.Items.Select(s => s.Id));
        Assert.Empty((await cp.Scans().ListScansAsync(new ListScansRequest { Tenant = tenant.Name, Status = "queued" })).Items);
        var badStatus = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Scans().ListScansAsync(new ListScansRequest { Tenant = tenant.Name, Status = "done" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badStatus.StatusCode);
    }

    [Fact]
    public async Task Profiles_TenantBoundAndReadonlyAdmins_OwnTenantByDefaultAndNoWritesForReadonly()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var ops = (await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "ops", Role = AdminRole.OpsAdmin, Tenant = tenant.Name })).ApiKey;
        var viewer = (await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "viewer", Role = AdminRole.Readonly, Tenant = tenant.Name })).ApiKey;

        var created = await cp.Scans(ops).CreateScanProfileAsync(Profile("", "mine", "shellcheck", ("path", "/srv")));
        Assert.Equal(tenant.Id, created.TenantId);
        Assert.Equal(created.Id, Assert.Single((await cp.Scans(viewer).ListScanProfilesAsync(new ListScanProfilesRequest())).Items).Id);
        Assert.Equal(created.Id, (await cp.Scans(viewer).GetScanProfileAsync(new GetScanProfileRequest { Profile = "mine" })).Id);
        var queued = await cp.Commands(ops).EnqueueCommandAsync(new EnqueueCommandRequest { Profile = "mine" });
        Assert.Equal(tenant.Id, queued.TenantId);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Scans(viewer).CreateScanProfileAsync(Profile("", "theirs", "shellcheck", ("path", "/srv"))).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var notDeleted = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Scans(viewer).DeleteScanProfileAsync(new DeleteScanProfileRequest { Profile = "mine" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notDeleted.StatusCode);
        Assert.Single((await cp.Scans().ListScanProfilesAsync(new ListScanProfilesRequest { Tenant = tenant.Name })).Items);
    }

    [Fact]
    public async Task Components_ThroughTheAgentApi_CompletionWaitsForThemThenTheAssetListsThem()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name);
        var registration = ApiTestData.Registration(token.Secret);
        registration.Capabilities.Add(new Contracts.Agent.V1.Capability { Scanner = "cdxgen", Version = "12.8.4" });
        var agent = await cp.Gateway().RegisterAsync(registration);
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        var queued = await cp.Commands().EnqueueCommandAsync(new EnqueueCommandRequest { Tenant = tenant.Name, Scanner = "cdxgen" }.With(r => r.Parameters["path"] = "/srv/app"));
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        Assert.Equal(queued.Id, assigned.Id);

        var complete = new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = assigned.FencingToken, Outcome = CommandOutcome.Succeeded, ComponentCount = 2,
        };
        var early = await Assert.ThrowsAsync<RpcException>(() => gateway.CompleteCommandAsync(complete).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        Assert.Contains("0 of the run's 2 components", early.Status.Detail);

        var bad = new FindingBatch { BatchId = "bad", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
        bad.Components.Add(new Contracts.Agent.V1.Component { Name = "", AssetKind = "path", AssetValue = "agent-1.example.test:/srv/app" });
        Assert.Contains("component name is required", (await SendAsync(gateway, bad)).RefusedReason);
        var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
        batch.Components.Add(Component("left-pad", "1.3.0"));
        batch.Components.Add(Component("ms", "2.1.3"));
        Assert.True((await SendAsync(gateway, batch)).Accepted);
        Assert.Equal("succeeded", (await gateway.CompleteCommandAsync(complete)).Status);

        var asset = Assert.Single((await cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant.Name })).Items);
        Assert.Equal("agent-1.example.test:/srv/app", asset.Value);
        Assert.Equal(2, (await cp.Assets().GetAssetAsync(new GetAssetRequest { Id = asset.Id })).ComponentCount);
        var components = await cp.Assets().ListAssetComponentsAsync(new ListAssetComponentsRequest { AssetId = asset.Id, PageSize = 1 });
        var next = await cp.Assets().ListAssetComponentsAsync(new ListAssetComponentsRequest { AssetId = asset.Id, PageToken = components.NextPageToken });
        Assert.Equal(["left-pad", "ms"], components.Items.Concat(next.Items).Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(components.Items.Concat(next.Items), c => Assert.Equal((queued.Id, tenant.Id), (c.LastCommandId, c.TenantId)));
        var scan = await cp.Scans().GetScanAsync(new GetScanRequest { Id = queued.Id });
        Assert.Equal((1, 2, 0), (scan.Attempt, scan.Components, scan.FindingsNew));
    }

    private static async Task<FindingBatchAck> SendAsync(AgentGateway.AgentGatewayClient gateway, FindingBatch batch)
    {
        using var stream = gateway.StreamFindings();
        await stream.RequestStream.WriteAsync(batch);
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        var ack = stream.ResponseStream.Current;
        await stream.RequestStream.CompleteAsync();
        return ack;
    }

    private static Contracts.Agent.V1.Component Component(string name, string version) => new()
    {
        Name = name, Version = version, Purl = $"pkg:npm/{name}@{version}", Type = "library", AssetKind = "path", AssetValue = "agent-1.example.test:/srv/app",
    };

    private static CreateScanProfileRequest Profile(string tenant, string name, string scanner, params (string Key, string Value)[] parameters)
    {
        var request = new CreateScanProfileRequest { Tenant = tenant, Name = name, Scanner = scanner };
        foreach (var (key, value) in parameters)
        {
            request.Parameters[key] = value;
        }

        return request;
    }

    /// <summary>Queues the tenant's "app" profile, and as the agent: claims it, delivers the findings, completes it. Returns its id.</summary>
    private static async Task<string> RunAsync(TestControlPlane cp, AgentGateway.AgentGatewayClient gateway, string tenant, AgentFinding[] findings)
    {
        var queued = await cp.Commands().EnqueueCommandAsync(new EnqueueCommandRequest { Tenant = tenant, Profile = "app" });
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        Assert.Equal(queued.Id, assigned.Id);
        await gateway.StartCommandAsync(new StartCommandRequest { CommandId = assigned.Id, FencingToken = assigned.FencingToken });
        using (var stream = gateway.StreamFindings())
        {
            var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
            batch.Findings.Add(findings);
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(stream.ResponseStream.Current.Accepted);
            await stream.RequestStream.CompleteAsync();
        }

        await gateway.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = assigned.FencingToken, Outcome = CommandOutcome.Succeeded, FindingCount = findings.Length,
        });
        return assigned.Id;
    }

    private static AgentFinding Script(string name, Contracts.Agent.V1.Severity severity) => new()
    {
        Fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))),
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Title = "t",
        Severity = severity,
        AssetKind = "path",
        AssetValue = $"agent-1.example.test:/srv/app/{name}.sh",
        Host = "agent-1.example.test",
        File = $"/srv/app/{name}.sh",
        Line = 1,
    };
}
