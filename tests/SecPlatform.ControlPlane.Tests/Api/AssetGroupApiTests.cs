using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using AgentFinding = SecPlatform.Contracts.Agent.V1.Finding;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>
/// Asset labels, asset groups and vulnerabilities through the real API (gRPC on loopback, and the JSON transcoding):
/// findings delivered by an agent, labels and groups set by admins, the finding filters, and the refusals.
/// </summary>
public abstract class AssetGroupApiTests : ControlPlaneApiTests
{
    private const string AgentHost = "agent-1.example.test";

    [Fact]
    public async Task Labels_SetRemoveListFilter_RefusalsSayWhy()
    {
        await using var cp = await StartAsync();
        var (tenant, assets) = await SeedAsync(cp, [Script("a"), Script("b")]);

        var labelled = await cp.Assets().SetAssetLabelsAsync(Labels(assets["a.sh"], "env=prod", "team=web"));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["team"] = "web" }, labelled.Labels);
        var removed = await cp.Assets().SetAssetLabelsAsync(Labels(assets["a.sh"]).With(r => r.Remove.Add("team")));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod" }, removed.Labels);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod" }, (await cp.Assets().GetAssetAsync(new GetAssetRequest { Id = assets["a.sh"] })).Labels);

        var filtered = await cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant, Labels = { "env=prod" } });
        Assert.Equal([assets["a.sh"]], filtered.Items.Select(a => a.Id));
        Assert.Empty((await cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant, Labels = { "env=prod", "team=web" } })).Items);

        await AssertStatusAsync(StatusCode.InvalidArgument, "key=value", cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant, Labels = { "env" } }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "label key", cp.Assets().SetAssetLabelsAsync(Labels(assets["a.sh"], "Bad Key=x")).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "at least one", cp.Assets().SetAssetLabelsAsync(Labels(assets["a.sh"])).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "both set and removed",
            cp.Assets().SetAssetLabelsAsync(Labels(assets["a.sh"], "env=dev").With(r => r.Remove.Add("env"))).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "at most 32",
            cp.Assets().SetAssetLabelsAsync(Labels(assets["a.sh"], [.. Enumerable.Range(0, 32).Select(i => $"k{i}=v")])).ResponseAsync);
        await AssertStatusAsync(StatusCode.NotFound, "asset 'zzzzzzzzzzzz' not found", cp.Assets().SetAssetLabelsAsync(Labels("zzzzzzzzzzzz", "a=b")).ResponseAsync);
        var reader = (await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "reader", Role = AdminRole.Readonly })).ApiKey;
        await AssertStatusAsync(StatusCode.PermissionDenied, "readonly", cp.Assets(reader).SetAssetLabelsAsync(Labels(assets["a.sh"], "x=y")).ResponseAsync);
        Assert.Contains((await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 1000 })).Items, e => e.Action == "asset.set_labels");
    }

    [Fact]
    public async Task Groups_StaticAndLabelBased_MembersFindingFilterAndRefusals()
    {
        await using var cp = await StartAsync();
        var (tenant, assets) = await SeedAsync(cp, [Script("a"), Script("b"), Script("c")]);
        var servers = await cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenant, Name = "servers", Description = "hand-picked" });
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        var prod = await cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenant, Name = "prod", Selector = { ["env"] = "prod" } });
        Assert.Equal(("static", "label"), (servers.Kind, prod.Kind));
        await AssertStatusAsync(StatusCode.AlreadyExists, "named 'prod'",
            cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenant, Name = "prod" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "group name",
            cp.AssetGroups().CreateAssetGroupAsync(new CreateAssetGroupRequest { Tenant = tenant, Name = "No Spaces" }).ResponseAsync);

        await cp.AssetGroups().AddAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = "servers", Tenant = tenant, AssetId = assets["a.sh"] });
        await cp.AssetGroups().AddAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = servers.Id, AssetId = assets["a.sh"] });
        var labelGroup = await AssertStatusAsync(StatusCode.FailedPrecondition, "label-based",
            cp.AssetGroups().AddAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = "prod", Tenant = tenant, AssetId = assets["b.sh"] }).ResponseAsync);
        Assert.Contains("env=prod", labelGroup, StringComparison.Ordinal);
        await AssertStatusAsync(StatusCode.NotFound, "asset 'zzzzzzzzzzzz' not found",
            cp.AssetGroups().AddAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = "servers", Tenant = tenant, AssetId = "zzzzzzzzzzzz" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "tenant is required",
            cp.AssetGroups().GetAssetGroupAsync(new AssetGroupRequest { Group = "servers" }).ResponseAsync);

        // A label-based group's members follow the labels, set after the group was made.
        Assert.Empty((await cp.AssetGroups().ListAssetGroupMembersAsync(new ListAssetGroupMembersRequest { Group = "prod", Tenant = tenant })).Items);
        await cp.Assets().SetAssetLabelsAsync(Labels(assets["b.sh"], "env=prod"));
        await cp.Assets().SetAssetLabelsAsync(Labels(assets["c.sh"], "env=prod"));
        Assert.Equal(new[] { assets["b.sh"], assets["c.sh"] }.Order(StringComparer.Ordinal), (await cp.AssetGroups().ListAssetGroupMembersAsync(
            new ListAssetGroupMembersRequest { Group = prod.Id })).Items.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal([assets["a.sh"]], (await cp.AssetGroups().ListAssetGroupMembersAsync(
            new ListAssetGroupMembersRequest { Group = "servers", Tenant = tenant })).Items.Select(a => a.Id));

        var inProd = await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Group = "prod" });
        Assert.Equal(["/srv/app/b.sh", "/srv/app/c.sh"], inProd.Items.Select(f => f.File).Order(StringComparer.Ordinal));
        var onA = await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Asset = assets["a.sh"] });
        Assert.Equal(["/srv/app/a.sh"], onA.Items.Select(f => f.File));
        await AssertStatusAsync(StatusCode.NotFound, "asset group 'nope' not found",
            cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Group = "nope" }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "asset must be an id",
            cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Asset = "not an id" }).ResponseAsync);

        var listed = await cp.AssetGroups().ListAssetGroupsAsync(new ListAssetGroupsRequest { Tenant = tenant });
        Assert.Equal(["servers", "prod"], listed.Items.Select(g => g.Name));
        await cp.AssetGroups().RemoveAssetGroupMemberAsync(new AssetGroupMemberRequest { Group = "servers", Tenant = tenant, AssetId = assets["a.sh"] });
        Assert.Empty((await cp.AssetGroups().ListAssetGroupMembersAsync(new ListAssetGroupMembersRequest { Group = "servers", Tenant = tenant })).Items);
        await cp.AssetGroups().DeleteAssetGroupAsync(new AssetGroupRequest { Group = "servers", Tenant = tenant });
        await AssertStatusAsync(StatusCode.NotFound, "asset group 'servers' not found",
            cp.AssetGroups().GetAssetGroupAsync(new AssetGroupRequest { Group = "servers", Tenant = tenant }).ResponseAsync);
        var actions = (await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 1000 })).Items.Select(e => e.Action).ToList();
        Assert.Contains("asset_group.create", actions);
        Assert.Contains("asset_group.add_asset", actions);
        Assert.Contains("asset_group.delete", actions);
    }

    [Fact]
    public async Task Vulnerabilities_NamedByFindings_ListedGetWithAssets_FindingShowsIds_CveFilter_Json()
    {
        await using var cp = await StartAsync();
        var (tenant, assets) = await SeedAsync(cp,
        [
            Script("a", "Log4Shell CVE-2021-44228 via GHSA-JFH8-C2JP-5V3Q"),
            Script("b", "see cve-2021-44228"),
            Script("c"),
        ]);

        var list = await cp.Vulnerabilities().ListVulnerabilitiesAsync(new ListVulnerabilitiesRequest { Tenant = tenant });
        Assert.Equal([("CVE-2021-44228", 2L, 2L), ("GHSA-jfh8-c2jp-5v3q", 1L, 1L)], list.Items.Select(v => (v.Id, v.Findings, v.Assets)));
        var page = await cp.Vulnerabilities().ListVulnerabilitiesAsync(new ListVulnerabilitiesRequest { Tenant = tenant, PageSize = 1 });
        var next = await cp.Vulnerabilities().ListVulnerabilitiesAsync(new ListVulnerabilitiesRequest { Tenant = tenant, PageSize = 1, PageToken = page.NextPageToken });
        Assert.Equal(["CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"], page.Items.Concat(next.Items).Select(v => v.Id));

        var log4 = await cp.Vulnerabilities().GetVulnerabilityAsync(new GetVulnerabilityRequest { Id = "cve-2021-44228", Tenant = tenant });
        Assert.Equal(new[] { assets["a.sh"], assets["b.sh"] }.Order(StringComparer.Ordinal), log4.AffectedAssets.Select(a => a.AssetId));
        Assert.All(log4.AffectedAssets, a => Assert.Equal((1L, 1L, "path"), (a.Findings, a.OpenFindings, a.Kind)));
        await AssertStatusAsync(StatusCode.NotFound, "vulnerability 'CVE-2020-0001' not found",
            cp.Vulnerabilities().GetVulnerabilityAsync(new GetVulnerabilityRequest { Id = "CVE-2020-0001", Tenant = tenant }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "CVE id",
            cp.Vulnerabilities().GetVulnerabilityAsync(new GetVulnerabilityRequest { Id = "log4shell", Tenant = tenant }).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, "tenant is required",
            cp.Vulnerabilities().ListVulnerabilitiesAsync(new ListVulnerabilitiesRequest()).ResponseAsync);

        var named = await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Cve = "Cve-2021-44228" });
        Assert.Equal(["/srv/app/a.sh", "/srv/app/b.sh"], named.Items.Select(f => f.File).Order(StringComparer.Ordinal));
        var a = named.Items.Single(f => f.File == "/srv/app/a.sh");
        Assert.Equal(["CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"], (await cp.Findings().GetFindingAsync(new GetFindingRequest { Id = a.Id })).VulnerabilityIds);
        await AssertStatusAsync(StatusCode.InvalidArgument, "CVE id",
            cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Cve = "CVE-21-1" }).ResponseAsync);

        // The same API as JSON over HTTP/1.1.
        using var http = new HttpClient { BaseAddress = cp.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cp.AdminKey);
        using var json = JsonDocument.Parse(await http.GetStringAsync($"/v1/vulnerabilities/CVE-2021-44228?tenant={tenant}"));
        Assert.Equal(2, json.RootElement.GetProperty("affectedAssets").GetArrayLength());
        var groupResponse = await http.PostAsync("/v1/asset-groups",
            new StringContent(JsonSerializer.Serialize(new { tenant, name = "json", selector = new { env = "prod" } }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, groupResponse.StatusCode);
        using var members = JsonDocument.Parse(await http.GetStringAsync($"/v1/asset-groups/json/assets?tenant={tenant}"));
        Assert.Equal(0, members.RootElement.GetProperty("items").GetArrayLength());
    }

    /// <summary>A tenant with an agent that ran one shellcheck command reporting these findings; its assets by file name.</summary>
    private static async Task<(string Tenant, Dictionary<string, string> Assets)> SeedAsync(TestControlPlane cp, AgentFinding[] findings)
    {
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        var enqueue = new EnqueueCommandRequest { Tenant = tenant.Name, Scanner = "shellcheck" };
        enqueue.Parameters["path"] = "/srv/app";
        await cp.Commands().EnqueueCommandAsync(enqueue);
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        using (var stream = gateway.StreamFindings())
        {
            var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
            batch.Findings.Add(findings);
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(stream.ResponseStream.Current.Accepted);
            await stream.RequestStream.CompleteAsync();
        }

        var assets = (await cp.Assets().ListAssetsAsync(new ListAssetsRequest { Tenant = tenant.Name })).Items;
        return (tenant.Name, assets.ToDictionary(a => a.Value.Split('/')[^1], a => a.Id));
    }

    private static SetAssetLabelsRequest Labels(string assetId, params string[] pairs)
    {
        var request = new SetAssetLabelsRequest { Id = assetId };
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            request.Labels[parts[0]] = parts[1];
        }

        return request;
    }

    /// <summary>Asserts the call fails with <paramref name="code"/> and a detail containing <paramref name="detail"/>; returns the detail.</summary>
    private static async Task<string> AssertStatusAsync(StatusCode code, string detail, Task call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(code, error.StatusCode);
        Assert.Contains(detail, error.Status.Detail, StringComparison.Ordinal);
        return error.Status.Detail;
    }

    private static AgentFinding Script(string name, string message = "") => new()
    {
        Fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))),
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Title = "t",
        Message = message,
        Severity = Contracts.Agent.V1.Severity.Low,
        AssetKind = "path",
        AssetValue = $"{AgentHost}:/srv/app/{name}.sh",
        Host = AgentHost,
        File = $"/srv/app/{name}.sh",
        Line = 1,
    };
}
