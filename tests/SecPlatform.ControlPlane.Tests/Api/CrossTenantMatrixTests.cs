using Google.Protobuf;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using AgentFinding = SecPlatform.Contracts.Agent.V1.Finding;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>
/// Tenant isolation through the real API: for every admin and agent call that takes an id, tenant A's credentials
/// (an admin bound to A, an agent of A) on tenant B's ids get exactly the answer of an id that does not exist, and
/// B's objects, re-read by the super admin, are unchanged.
/// </summary>
public abstract class CrossTenantMatrixTests : ControlPlaneApiTests
{
    // A well-formed id (12 lowercase letters and digits) that names nothing.
    private const string Missing = "zzzzzzzzzzzz";

    // B's finding names this vulnerability; none names the other.
    private const string CveOfB = "CVE-2021-44228";
    private const string MissingCve = "CVE-1999-99999";

    [Fact]
    public async Task AdminCalls_TenantBoundAdminOnOtherTenantsIds_SameAsMissingAndNothingChanges()
    {
        await using var cp = await StartAsync();
        var world = await World.CreateAsync(cp);
        var admin = world.AdminOfA;
        var before = await world.SnapshotOfBAsync();

        var cases = new (string Call, string ForeignId, Func<string, Task> Run)[]
        {
            ("tenants get (id)", world.TenantB.Id, id => cp.Tenants(admin).GetTenantAsync(new GetTenantRequest { Tenant = id }).ResponseAsync),
            ("tenants get (name)", world.TenantB.Name, id => cp.Tenants(admin).GetTenantAsync(new GetTenantRequest { Tenant = id }).ResponseAsync),
            ("tokens revoke", world.TokenB, id => cp.Tokens(admin).RevokeBootstrapTokenAsync(new RevokeBootstrapTokenRequest { Id = id }).ResponseAsync),
            ("agents get", world.AgentB, id => cp.Agents(admin).GetAgentAsync(new GetAgentRequest { Id = id }).ResponseAsync),
            ("agents cordon", world.AgentB, id => cp.Agents(admin).CordonAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
            ("agents uncordon", world.AgentB, id => cp.Agents(admin).UncordonAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
            ("agents drain", world.AgentB, id => cp.Agents(admin).DrainAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
            ("agents revoke", world.AgentB, id => cp.Agents(admin).RevokeAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
            ("commands get", world.ActiveCommandB.Id, id => cp.Commands(admin).GetCommandAsync(new GetCommandRequest { Id = id }).ResponseAsync),
            ("commands get (done)", world.DoneCommandB, id => cp.Commands(admin).GetCommandAsync(new GetCommandRequest { Id = id }).ResponseAsync),
            ("commands cancel", world.ActiveCommandB.Id, id => cp.Commands(admin).CancelCommandAsync(new CancelCommandRequest { Id = id }).ResponseAsync),
            ("enqueue --agent", world.AgentB, id => cp.Commands(admin).EnqueueCommandAsync(Enqueue(world.TenantA.Name).With(r => r.AgentId = id)).ResponseAsync),
            ("enqueue --tenant", world.TenantB.Name, id => cp.Commands(admin).EnqueueCommandAsync(Enqueue(id)).ResponseAsync),
            ("findings get", world.FindingB, id => cp.Findings(admin).GetFindingAsync(new GetFindingRequest { Id = id }).ResponseAsync),
            ("findings set-status", world.FindingB, id => cp.Findings(admin).SetFindingStatusAsync(
                new SetFindingStatusRequest { Id = id, Status = "accepted_risk", Reason = "not mine" }).ResponseAsync),
            ("findings list --command", world.DoneCommandB, id => cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { CommandId = id }).ResponseAsync),
            ("findings list --tenant", world.TenantB.Name, id => cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { Tenant = id }).ResponseAsync),
            ("assets get", world.AssetB, id => cp.Assets(admin).GetAssetAsync(new GetAssetRequest { Id = id }).ResponseAsync),
            ("assets label", world.AssetB, id => cp.Assets(admin).SetAssetLabelsAsync(
                new SetAssetLabelsRequest { Id = id, Labels = { ["owner"] = "a" }, Remove = { "env" } }).ResponseAsync),
            ("assets list --tenant", world.TenantB.Name, id => cp.Assets(admin).ListAssetsAsync(new ListAssetsRequest { Tenant = id }).ResponseAsync),
            ("findings list --asset", world.AssetB, id => cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { Asset = id }).ResponseAsync),
            ("findings list --group (id)", world.GroupB, id => cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { Group = id }).ResponseAsync),
            ("findings list --group (name)", world.GroupBName, id => cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { Group = id }).ResponseAsync),
            ("groups create --tenant", world.TenantB.Name, id => cp.AssetGroups(admin).CreateAssetGroupAsync(
                new CreateAssetGroupRequest { Tenant = id, Name = "intruders" }).ResponseAsync),
            ("groups list --tenant", world.TenantB.Name, id => cp.AssetGroups(admin).ListAssetGroupsAsync(new ListAssetGroupsRequest { Tenant = id }).ResponseAsync),
            ("groups get (id)", world.GroupB, id => cp.AssetGroups(admin).GetAssetGroupAsync(new AssetGroupRequest { Group = id }).ResponseAsync),
            ("groups get (name)", world.GroupBName, id => cp.AssetGroups(admin).GetAssetGroupAsync(new AssetGroupRequest { Group = id }).ResponseAsync),
            ("groups get --tenant", world.TenantB.Name, id => cp.AssetGroups(admin).GetAssetGroupAsync(
                new AssetGroupRequest { Group = world.GroupBName, Tenant = id }).ResponseAsync),
            ("groups get (label group)", world.LabelGroupB, id => cp.AssetGroups(admin).GetAssetGroupAsync(new AssetGroupRequest { Group = id }).ResponseAsync),
            ("groups delete", world.GroupB, id => cp.AssetGroups(admin).DeleteAssetGroupAsync(new AssetGroupRequest { Group = id }).ResponseAsync),
            ("groups delete (label group)", world.LabelGroupB, id => cp.AssetGroups(admin).DeleteAssetGroupAsync(new AssetGroupRequest { Group = id }).ResponseAsync),
            ("groups add-asset (group)", world.GroupB, id => cp.AssetGroups(admin).AddAssetGroupMemberAsync(
                new AssetGroupMemberRequest { Group = id, AssetId = world.AssetB }).ResponseAsync),
            ("groups add-asset (asset)", world.AssetB, id => cp.AssetGroups(admin).AddAssetGroupMemberAsync(
                new AssetGroupMemberRequest { Group = world.GroupA, AssetId = id }).ResponseAsync),
            ("groups remove-asset (group)", world.GroupB, id => cp.AssetGroups(admin).RemoveAssetGroupMemberAsync(
                new AssetGroupMemberRequest { Group = id, AssetId = world.AssetB }).ResponseAsync),
            ("groups remove-asset (asset)", world.AssetB, id => cp.AssetGroups(admin).RemoveAssetGroupMemberAsync(
                new AssetGroupMemberRequest { Group = world.GroupA, AssetId = id }).ResponseAsync),
            ("groups assets", world.GroupB, id => cp.AssetGroups(admin).ListAssetGroupMembersAsync(new ListAssetGroupMembersRequest { Group = id }).ResponseAsync),
            ("groups assets (label group)", world.LabelGroupB, id => cp.AssetGroups(admin).ListAssetGroupMembersAsync(
                new ListAssetGroupMembersRequest { Group = id }).ResponseAsync),
            ("vulns list --tenant", world.TenantB.Name, id => cp.Vulnerabilities(admin).ListVulnerabilitiesAsync(
                new ListVulnerabilitiesRequest { Tenant = id }).ResponseAsync),
            ("vulns get --tenant", world.TenantB.Name, id => cp.Vulnerabilities(admin).GetVulnerabilityAsync(
                new GetVulnerabilityRequest { Id = CveOfB, Tenant = id }).ResponseAsync),
            ("assets components", world.AssetB, id => cp.Assets(admin).ListAssetComponentsAsync(new ListAssetComponentsRequest { AssetId = id }).ResponseAsync),
            ("scans get", world.DoneCommandB, id => cp.Scans(admin).GetScanAsync(new GetScanRequest { Id = id }).ResponseAsync),
            ("scans list --tenant", world.TenantB.Name, id => cp.Scans(admin).ListScansAsync(new ListScansRequest { Tenant = id }).ResponseAsync),
            ("profiles get (id)", world.ProfileB.Id, id => cp.Scans(admin).GetScanProfileAsync(new GetScanProfileRequest { Profile = id }).ResponseAsync),
            ("profiles get (name)", world.ProfileB.Name, id => cp.Scans(admin).GetScanProfileAsync(new GetScanProfileRequest { Profile = id }).ResponseAsync),
            ("profiles get --tenant", world.TenantB.Name, id => cp.Scans(admin).GetScanProfileAsync(
                new GetScanProfileRequest { Profile = world.ProfileB.Name, Tenant = id }).ResponseAsync),
            ("profiles delete", world.ProfileB.Id, id => cp.Scans(admin).DeleteScanProfileAsync(new DeleteScanProfileRequest { Profile = id }).ResponseAsync),
            ("profiles list --tenant", world.TenantB.Name, id => cp.Scans(admin).ListScanProfilesAsync(new ListScanProfilesRequest { Tenant = id }).ResponseAsync),
            ("profiles create --tenant", world.TenantB.Name, id => cp.Scans(admin).CreateScanProfileAsync(
                new CreateScanProfileRequest { Tenant = id, Name = "mine", Scanner = "shellcheck" }.With(r => r.Parameters["path"] = "/srv/app")).ResponseAsync),
            ("scans run --profile", world.ProfileB.Name, id => cp.Commands(admin).EnqueueCommandAsync(
                new EnqueueCommandRequest { Tenant = world.TenantA.Name, Profile = id }).ResponseAsync),
        };

        await AssertSameAsMissingAsync(cases.Select(c => (c.Call, c.ForeignId, (Func<string, Task<string>>)(id => OutcomeAsync(c.Run(id))))));

        // Vulnerability ids are not tenant ids: another tenant's vulnerability answers like one nobody has.
        await AssertSameAsMissingAsync(
            [("vulns get", CveOfB, id => OutcomeAsync(cp.Vulnerabilities(admin).GetVulnerabilityAsync(new GetVulnerabilityRequest { Id = id }).ResponseAsync))],
            MissingCve);
        var byCve = await cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { Cve = CveOfB });
        var byMissingCve = await cp.Findings(admin).ListFindingsAsync(new ListFindingsRequest { Cve = MissingCve });
        Assert.Empty(byCve.Items);
        Assert.Equal(byMissingCve, byCve);
        Assert.Empty((await cp.Vulnerabilities(admin).ListVulnerabilitiesAsync(new ListVulnerabilitiesRequest())).Items);
        Assert.Equal(before, await world.SnapshotOfBAsync());
    }

    [Fact]
    public async Task AgentCalls_TenantAgentOnOtherTenantsCommand_SameAsMissingAndNothingChanges()
    {
        await using var cp = await StartAsync();
        var world = await World.CreateAsync(cp);
        var gateway = cp.Gateway(world.AgentKeyA);
        var token = world.ActiveCommandB.FencingToken;
        var before = await world.SnapshotOfBAsync();

        var cases = new (string Call, string ForeignId, Func<string, Task<string>> Run)[]
        {
            ("StartCommand", world.ActiveCommandB.Id, id => OutcomeAsync(gateway.StartCommandAsync(
                new StartCommandRequest { CommandId = id, FencingToken = token }).ResponseAsync)),
            ("ReportProgress", world.ActiveCommandB.Id, id => OutcomeAsync(gateway.ReportProgressAsync(
                new ReportProgressRequest { CommandId = id, FencingToken = token, Percent = 50, Message = "half" }).ResponseAsync)),
            ("CompleteCommand", world.ActiveCommandB.Id, id => OutcomeAsync(gateway.CompleteCommandAsync(new CompleteCommandRequest
            {
                CommandId = id, FencingToken = token, Outcome = CommandOutcome.Succeeded, FindingCount = 0,
            }).ResponseAsync)),
            ("CompleteCommand (failed)", world.ActiveCommandB.Id, id => OutcomeAsync(gateway.CompleteCommandAsync(new CompleteCommandRequest
            {
                CommandId = id, FencingToken = token, Outcome = CommandOutcome.Failed, Error = "boom",
            }).ResponseAsync)),
            ("StreamFindings", world.ActiveCommandB.Id, id => StreamAsync(gateway, id, token)),
        };

        await AssertSameAsMissingAsync(cases);
        Assert.Equal(before, await world.SnapshotOfBAsync());
    }

    private static async Task AssertSameAsMissingAsync(IEnumerable<(string Call, string ForeignId, Func<string, Task<string>> Run)> cases,
        string missingId = Missing)
    {
        foreach (var (call, foreignId, run) in cases)
        {
            var foreign = (await run(foreignId)).Replace(foreignId, "ID", StringComparison.Ordinal);
            var missing = (await run(missingId)).Replace(missingId, "ID", StringComparison.Ordinal);
            Assert.True(missing == foreign, $"{call}: another tenant's id answered '{foreign}', a missing id '{missing}'");
            Assert.False(foreign.StartsWith("OK", StringComparison.Ordinal), $"{call}: another tenant's id was accepted");
        }
    }

    /// <summary>The call's answer as text: its status code and detail (OK when it succeeded).</summary>
    private static async Task<string> OutcomeAsync(Task call)
    {
        try
        {
            await call;
            return "OK";
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode}: {e.Status.Detail}";
        }
    }

    /// <summary>One findings batch for the command: the acknowledgement as text (or the call's failure).</summary>
    private static async Task<string> StreamAsync(AgentGateway.AgentGatewayClient gateway, string commandId, long fencingToken)
    {
        try
        {
            using var stream = gateway.StreamFindings();
            var batch = new FindingBatch { BatchId = "x1", CommandId = commandId, FencingToken = fencingToken };
            batch.Findings.Add(Script("intruder"));
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            var ack = stream.ResponseStream.Current;
            await stream.RequestStream.CompleteAsync();
            return $"{(ack.Accepted ? "OK" : "Refused")}: {ack.RefusedReason} ({ack.NewCount}/{ack.DuplicateCount})";
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode}: {e.Status.Detail}";
        }
    }

    private static EnqueueCommandRequest Enqueue(string tenant) =>
        new EnqueueCommandRequest { Tenant = tenant, Scanner = "shellcheck" }.With(r => r.Parameters["path"] = "/srv/app");

    private static AgentFinding Script(string name) => new()
    {
        Fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))),
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Title = "t",
        Severity = Contracts.Agent.V1.Severity.Low,
        Message = $"{name} is affected by {CveOfB}",
        AssetKind = "path",
        AssetValue = $"agent-b.example.test:/srv/app/{name}.sh",
        Host = "agent-b.example.test",
        File = $"/srv/app/{name}.sh",
        Line = 1,
    };

    /// <summary>
    /// Tenants A and B, each with an agent holding its lease; an admin bound to A. B has an unused token, a completed
    /// command that reported one finding (and so one asset), and a second command claimed by B's agent and left running.
    /// </summary>
    private sealed record World(
        TestControlPlane Cp, Contracts.Admin.V1.Tenant TenantA, Contracts.Admin.V1.Tenant TenantB, string AdminOfA, string AgentKeyA,
        string AgentB, string TokenB, string DoneCommandB, AssignedCommand ActiveCommandB, string FindingB, string AssetB,
        string GroupA, string GroupB, string GroupBName, string LabelGroupB, ScanProfile ProfileB)
    {
        public static async Task<World> CreateAsync(TestControlPlane cp)
        {
            var tenantA = await cp.CreateTenantAsync();
            var tenantB = await cp.CreateTenantAsync();
            var agentA = await cp.Gateway().RegisterAsync(ApiTestData.Registration((await cp.CreateTokenAsync(tenantA.Name)).Secret, "agent-a"));
            var agentB = await cp.Gateway().RegisterAsync(ApiTestData.Registration((await cp.CreateTokenAsync(tenantB.Name)).Secret, "agent-b"));
            var tokenB = (await cp.CreateTokenAsync(tenantB.Name, maxUses: 5)).Token.Id;
            foreach (var key in new[] { agentA.AgentKey, agentB.AgentKey })
            {
                await cp.Gateway(key).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
            }

            var adminOfA = (await cp.Admins().CreateAdminUserAsync(
                new CreateAdminUserRequest { Name = "ops-a", Role = AdminRole.OpsAdmin, Tenant = tenantA.Name })).ApiKey;

            var gatewayB = cp.Gateway(agentB.AgentKey);
            var done = await ClaimAsync(cp, gatewayB, tenantB.Name);
            using (var stream = gatewayB.StreamFindings())
            {
                var batch = new FindingBatch { BatchId = "b1", CommandId = done.Id, FencingToken = done.FencingToken };
                batch.Findings.Add(Script("a"));
                await stream.RequestStream.WriteAsync(batch);
                Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
                Assert.True(stream.ResponseStream.Current.Accepted);
                await stream.RequestStream.CompleteAsync();
            }

            var completed = await gatewayB.CompleteCommandAsync(new CompleteCommandRequest
            {
                CommandId = done.Id, FencingToken = done.FencingToken, Outcome = CommandOutcome.Succeeded, FindingCount = 1,
            });
            Assert.Equal("succeeded", completed.Status);
            var active = await ClaimAsync(cp, gatewayB, tenantB.Name);
            await gatewayB.StartCommandAsync(new StartCommandRequest { CommandId = active.Id, FencingToken = active.FencingToken });

            var finding = Assert.Single((await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenantB.Name })).Items);
            // B's asset is labelled and in B's static group; a label-based group of B matches it. A has a group of its own.
            await cp.Assets().SetAssetLabelsAsync(new SetAssetLabelsRequest { Id = finding.AssetId, Labels = { ["env"] = "prod" } });
            var groupA = await cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenantA.Name, Name = "mine" });
            var groupB = await cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenantB.Name, Name = "servers-b" });
            await cp.AssetGroups().AddAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = groupB.Id, AssetId = finding.AssetId });
            var labelGroupB = await cp.AssetGroups().CreateAssetGroupAsync(
                new CreateAssetGroupRequest { Tenant = tenantB.Name, Name = "prod-b", Selector = { ["env"] = "prod" } });
            var profileB = await cp.Scans().CreateScanProfileAsync(
                new CreateScanProfileRequest { Tenant = tenantB.Name, Name = "nightly-b", Scanner = "shellcheck" }.With(r => r.Parameters["path"] = "/srv/app"));
            return new World(cp, tenantA, tenantB, adminOfA, agentA.AgentKey, agentB.AgentId, tokenB, done.Id, active, finding.Id, finding.AssetId,
                groupA.Id, groupB.Id, groupB.Name, labelGroupB.Id, profileB);
        }

        /// <summary>B's objects as the super admin reads them, as one comparable text.</summary>
        public async Task<string> SnapshotOfBAsync()
        {
            IMessage[] parts =
            [
                await Cp.Tenants().GetTenantAsync(new GetTenantRequest { Tenant = TenantB.Id }),
                await Cp.Tokens().ListBootstrapTokensAsync(new ListBootstrapTokensRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Agents().ListAgentsAsync(new ListAgentsRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Agents().GetAgentAsync(new GetAgentRequest { Id = AgentB }),
                await Cp.Commands().ListCommandsAsync(new ListCommandsRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Commands().GetCommandAsync(new GetCommandRequest { Id = ActiveCommandB.Id }),
                await Cp.Commands().GetCommandAsync(new GetCommandRequest { Id = DoneCommandB }),
                await Cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Findings().GetFindingAsync(new GetFindingRequest { Id = FindingB }),
                await Cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Assets().GetAssetAsync(new GetAssetRequest { Id = AssetB }),
                await Cp.AssetGroups().ListAssetGroupsAsync(new ListAssetGroupsRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.AssetGroups().ListAssetGroupMembersAsync(new ListAssetGroupMembersRequest { Group = GroupB, PageSize = 100 }),
                await Cp.AssetGroups().ListAssetGroupMembersAsync(new ListAssetGroupMembersRequest { Group = LabelGroupB, PageSize = 100 }),
                await Cp.Vulnerabilities().ListVulnerabilitiesAsync(new ListVulnerabilitiesRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Vulnerabilities().GetVulnerabilityAsync(new GetVulnerabilityRequest { Id = CveOfB, Tenant = TenantB.Name }),
                await Cp.Scans().ListScansAsync(new ListScansRequest { Tenant = TenantB.Name, PageSize = 100 }),
                await Cp.Scans().GetScanAsync(new GetScanRequest { Id = DoneCommandB }),
                await Cp.Scans().ListScanProfilesAsync(new ListScanProfilesRequest { Tenant = TenantB.Name, PageSize = 100 }),
            ];
            return string.Join("\n", parts.Select(p => p.ToString()));
        }

        private static async Task<AssignedCommand> ClaimAsync(TestControlPlane cp, AgentGateway.AgentGatewayClient gateway, string tenant)
        {
            var queued = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant));
            var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
            Assert.Equal(queued.Id, assigned.Id);
            return assigned;
        }
    }
}
