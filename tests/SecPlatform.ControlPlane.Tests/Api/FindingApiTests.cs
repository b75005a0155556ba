using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using AgentFinding = SecPlatform.Contracts.Agent.V1.Finding;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>
/// The finding lifecycle through the real API: runs delivered and completed by an agent over gRPC, a clean
/// complete run resolving what it no longer reports, an admin's triage with history, and the list filters.
/// </summary>
public abstract class FindingApiTests : ControlPlaneApiTests
{
    // ApiTestData registers the agent with this hostname: file findings' host, and the scope of its file scans.
    private const string AgentHost = "agent-1.example.test";

    [Fact]
    public async Task CleanCompleteRun_ResolvesUnreportedFindings_TruncatedRunResolvesNothing()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });

        await RunAsync(cp, gateway, tenant.Name, [Script("a"), Script("b"), Script("c")]);
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        // Truncated: it reports only a, but resolves nothing.
        await RunAsync(cp, gateway, tenant.Name, [Script("a")], truncated: true);
        Assert.Equal(3, (await ListAsync(cp, tenant.Name, "open")).Count);
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        var clean = await RunAsync(cp, gateway, tenant.Name, [Script("a")]);

        var resolved = await ListAsync(cp, tenant.Name, "resolved");
        Assert.Equal(["/srv/app/b.sh", "/srv/app/c.sh"], resolved.Select(f => f.File).Order(StringComparer.Ordinal));
        var open = Assert.Single(await ListAsync(cp, tenant.Name, "open"));
        Assert.Equal(("/srv/app/a.sh", 3L), (open.File, open.Occurrences));
        Assert.Equal(3, (await ListAsync(cp, tenant.Name, "open", "resolved")).Count);
        Assert.Empty(await ListAsync(cp, tenant.Name, "reopened"));

        var b = await cp.Findings().GetFindingAsync(new GetFindingRequest { Id = resolved[0].Id });
        var change = Assert.Single(b.History);
        Assert.Equal(("open", "resolved", "system", clean), (change.From, change.To, change.Actor, change.CommandId));

        // Seen again: reopened, and "open" does not include it.
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        await RunAsync(cp, gateway, tenant.Name, [Script("a"), Script("b")]);
        Assert.Equal("/srv/app/b.sh", Assert.Single(await ListAsync(cp, tenant.Name, "reopened")).File);
        Assert.Equal("/srv/app/a.sh", Assert.Single(await ListAsync(cp, tenant.Name, "open")).File);
    }

    [Fact]
    public async Task SetFindingStatus_TriageWithReason_KeptWhenSeenAgainAuditedAndHistoryShown()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await RunAsync(cp, gateway, tenant.Name, [Script("a")]);
        var finding = Assert.Single(await ListAsync(cp, tenant.Name));

        var noReason = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().SetFindingStatusAsync(
            new SetFindingStatusRequest { Id = finding.Id, Status = "false_positive" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        var serverOnly = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().SetFindingStatusAsync(
            new SetFindingStatusRequest { Id = finding.Id, Status = "resolved", Reason = "fixed" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, serverOnly.StatusCode);

        var marked = await cp.Findings().SetFindingStatusAsync(
            new SetFindingStatusRequest { Id = finding.Id, Status = "false_positive", Reason = "test fixture" });
        Assert.Equal("false_positive", marked.Status);
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        await RunAsync(cp, gateway, tenant.Name, [Script("a")]);
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        await RunAsync(cp, gateway, tenant.Name, []);

        var read = await cp.Findings().GetFindingAsync(new GetFindingRequest { Id = finding.Id });
        Assert.Equal(("false_positive", 2L), (read.Status, read.Occurrences));
        var change = Assert.Single(read.History);
        Assert.Equal(("open", "false_positive", "test fixture", ""), (change.From, change.To, change.Reason, change.CommandId));
        Assert.Equal(12, change.Actor.Length);

        var audit = await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 100 });
        Assert.Contains(audit.Items, e => e.Action == "finding.set_status" && e.ResourceId == finding.Id);

        var back = await cp.Findings().SetFindingStatusAsync(new SetFindingStatusRequest { Id = finding.Id, Status = "open" });
        Assert.Equal(("open", 2), (back.Status, back.History.Count));
    }

    [Fact]
    public async Task SetFindingStatus_OtherTenantsAdminOrReadonly_NotFoundOrDeniedAndNothingChanges()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await RunAsync(cp, gateway, tenant.Name, [Script("a")]);
        var finding = Assert.Single(await ListAsync(cp, tenant.Name));
        var other = await cp.CreateTenantAsync();
        var otherAdmin = (await cp.Admins().CreateAdminUserAsync(
            new CreateAdminUserRequest { Name = "ops-b", Role = AdminRole.OpsAdmin, Tenant = other.Name })).ApiKey;
        var readonlyAdmin = (await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "viewer", Role = AdminRole.Readonly })).ApiKey;

        var request = new SetFindingStatusRequest { Id = finding.Id, Status = "accepted_risk", Reason = "not mine" };
        var hidden = await Assert.ThrowsAsync<RpcException>(() => cp.Findings(otherAdmin).SetFindingStatusAsync(request).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().SetFindingStatusAsync(
            new SetFindingStatusRequest { Id = "zzzzzzzzzzzz", Status = "accepted_risk", Reason = "x" }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (hidden.StatusCode, unknown.StatusCode));
        Assert.Equal(hidden.Status.Detail.Replace(finding.Id, "ID"), unknown.Status.Detail.Replace("zzzzzzzzzzzz", "ID"));
        var denied = await Assert.ThrowsAsync<RpcException>(() => cp.Findings(readonlyAdmin).SetFindingStatusAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        var read = await cp.Findings().GetFindingAsync(new GetFindingRequest { Id = finding.Id });
        Assert.Equal(("open", 0), (read.Status, read.History.Count));
    }

    [Fact]
    public async Task ListFindings_Filters_SeverityScannerRuleSinceAndBadStatusRefused()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await RunAsync(cp, gateway, tenant.Name, [Script("a", Contracts.Agent.V1.Severity.High, "SC2086"), Script("b", rule: "SC2046")]);
        var later = cp.Time.GetUtcNow().AddSeconds(5);
        cp.Time.Advance(TimeSpan.FromSeconds(10));
        await RunAsync(cp, gateway, tenant.Name, [Script("c", Contracts.Agent.V1.Severity.Critical)]);

        async Task<string[]> FilesAsync(ListFindingsRequest request)
        {
            request.Tenant = tenant.Name;
            return [.. (await cp.Findings().ListFindingsAsync(request)).Items.Select(f => f.File).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(["/srv/app/a.sh", "/srv/app/c.sh"],
            await FilesAsync(new ListFindingsRequest { Severities = { FindingSeverity.High, FindingSeverity.Critical } }));
        Assert.Equal(["/srv/app/b.sh"], await FilesAsync(new ListFindingsRequest { RuleId = "SC2046" }));
        Assert.Equal(["/srv/app/a.sh", "/srv/app/b.sh", "/srv/app/c.sh"], await FilesAsync(new ListFindingsRequest { Scanner = "shellcheck" }));
        Assert.Empty(await FilesAsync(new ListFindingsRequest { Scanner = "bandit" }));
        Assert.Equal(["/srv/app/c.sh"], await FilesAsync(new ListFindingsRequest { Since = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(later) }));

        var bad = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().ListFindingsAsync(
            new ListFindingsRequest { Tenant = tenant.Name, Statuses = { "closed" } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task Assets_CreatedByIngest_ListedByKindReadAndHiddenFromOtherTenants()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await RunAsync(cp, gateway, tenant.Name, [Script("a"), Script("b")]);

        var assets = (await cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant.Name, Kind = "path" })).Items;
        Assert.Equal([$"{AgentHost}:/srv/app/a.sh", $"{AgentHost}:/srv/app/b.sh"], assets.Select(a => a.Value).Order(StringComparer.Ordinal));
        Assert.All(assets, a => Assert.Equal(AgentHost, a.Host));
        var finding = (await ListAsync(cp, tenant.Name)).Single(f => f.File == "/srv/app/a.sh");
        var asset = await cp.Assets().GetAssetAsync(new GetAssetRequest { Id = finding.AssetId });
        Assert.Equal(($"{AgentHost}:/srv/app/a.sh", "path", tenant.Id), (asset.Value, asset.Kind, asset.TenantId));
        Assert.Empty((await cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant.Name, Kind = "ip" })).Items);

        var badKind = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant.Name, Kind = "planet" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badKind.StatusCode);
        var other = await cp.CreateTenantAsync();
        var otherAdmin = (await cp.Admins().CreateAdminUserAsync(
            new CreateAdminUserRequest { Name = "ops-b", Role = AdminRole.OpsAdmin, Tenant = other.Name })).ApiKey;
        var hidden = await Assert.ThrowsAsync<RpcException>(() => cp.Assets(otherAdmin).GetAssetAsync(new GetAssetRequest { Id = asset.Id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        Assert.Empty((await cp.Assets(otherAdmin).ListAssetsAsync(new ListAssetsRequest())).Items);
    }

    /// <summary>One shellcheck command on /srv/app: claimed, its findings streamed, completed succeeded. Returns its id.</summary>
    private static async Task<string> RunAsync(TestControlPlane cp, AgentGateway.AgentGatewayClient gateway, string tenant, AgentFinding[] findings,
        bool truncated = false)
    {
        var enqueue = new EnqueueCommandRequest { Tenant = tenant, Scanner = "shellcheck" };
        enqueue.Parameters["path"] = "/srv/app";
        var queued = await cp.Commands().EnqueueCommandAsync(enqueue);
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        Assert.Equal(queued.Id, assigned.Id);
        if (findings.Length > 0)
        {
            using var stream = gateway.StreamFindings();
            var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
            batch.Findings.Add(findings);
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(stream.ResponseStream.Current.Accepted);
            await stream.RequestStream.CompleteAsync();
        }

        var done = await gateway.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = assigned.FencingToken, Outcome = CommandOutcome.Succeeded,
            FindingCount = findings.Length, Truncated = truncated,
        });
        Assert.Equal("succeeded", done.Status);
        return assigned.Id;
    }

    private static async Task<List<Contracts.Admin.V1.Finding>> ListAsync(TestControlPlane cp, string tenant, params string[] statuses)
    {
        var request = new ListFindingsRequest { Tenant = tenant, PageSize = 100 };
        request.Statuses.Add(statuses);
        return [.. (await cp.Findings().ListFindingsAsync(request)).Items];
    }

    /// <summary>A shellcheck finding as the agent reports it, on the agent's host.</summary>
    private static AgentFinding Script(string name, Contracts.Agent.V1.Severity severity = Contracts.Agent.V1.Severity.Low, string rule = "SC2086") => new()
    {
        Fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))),
        Scanner = "shellcheck",
        RuleId = rule,
        Title = "t",
        Severity = severity,
        AssetKind = "path",
        AssetValue = $"{AgentHost}:/srv/app/{name}.sh",
        Host = AgentHost,
        File = $"/srv/app/{name}.sh",
        Line = 1,
    };
}
