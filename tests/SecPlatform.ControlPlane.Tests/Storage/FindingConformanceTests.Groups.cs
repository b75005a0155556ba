using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Asset labels and asset groups on every provider: labels set and removed in one step, label selectors, group names
/// unique per tenant, static members, label-based membership evaluated when read, and another tenant's objects
/// answering like missing ones.
/// </summary>
public abstract partial class FindingConformanceTests
{
    [Fact]
    public async Task SetAssetLabels_SetThenRemove_OneStepOtherTenantAndMissingNullTooManyChangesNothing()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a")], T1);
        var asset = Assert.Single(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id)));

        var first = await SetLabelsAsync(store, asset.Id, run.Tenant.Id, new() { ["env"] = "prod", ["team"] = "web" });
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["team"] = "web" }, first!.Asset.Labels);
        var second = await SetLabelsAsync(store, asset.Id, null, new() { ["tier"] = "1", ["env"] = "staging" }, "team", "absent");
        Assert.Equal(new Dictionary<string, string> { ["env"] = "staging", ["tier"] = "1" }, second!.Asset.Labels);
        Assert.False(second.TooManyLabels);

        var tooMany = await SetLabelsAsync(store, asset.Id, run.Tenant.Id, new() { ["a"] = "1", ["b"] = "2" }, maxLabels: 3);
        Assert.True(tooMany!.TooManyLabels);
        Assert.Null(await SetLabelsAsync(store, asset.Id, TestData.NewTenant().Id, new() { ["x"] = "y" }));
        Assert.Null(await SetLabelsAsync(store, "zzzzzzzzzzzz", run.Tenant.Id, new() { ["x"] = "y" }));

        var read = await Assets(store).GetAssetAsync(asset.Id, default);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "staging", ["tier"] = "1" }, read!.Labels);
        // Labels do not move last seen; a later sighting keeps them.
        Assert.Equal(asset.LastSeen, read.LastSeen);
        await IngestAsync(store, await NewScanAsync(store, run, T2), [ScriptFinding("a")], T3);
        Assert.Equal(read.Labels, (await Assets(store).GetAssetAsync(asset.Id, default))!.Labels);
    }

    [Fact]
    public async Task ListAssets_LabelSelector_EveryPairMustMatchAndCombinesWithKind()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a"), ScriptFinding("b"), ScriptFinding("c"), NmapFinding("192.0.2.1", 22)], T1);
        var assets = (await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id))).ToDictionary(a => a.Value.Split('/')[^1]);
        await SetLabelsAsync(store, assets["a.sh"].Id, run.Tenant.Id, new() { ["env"] = "prod", ["team"] = "web" });
        await SetLabelsAsync(store, assets["b.sh"].Id, run.Tenant.Id, new() { ["env"] = "prod" });
        await SetLabelsAsync(store, assets["c.sh"].Id, run.Tenant.Id, new() { ["env"] = "dev", ["team"] = "web" });
        await SetLabelsAsync(store, assets["192.0.2.1"].Id, run.Tenant.Id, new() { ["env"] = "prod" });

        string[] Ids(IEnumerable<Asset> list) => [.. list.Select(a => a.Id).Order(StringComparer.Ordinal)];
        string[] Of(params string[] names) => [.. names.Select(n => assets[n].Id).Order(StringComparer.Ordinal)];
        Assert.Equal(Of("a.sh", "b.sh", "192.0.2.1"), Ids(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, Labels: Selector("env=prod")))));
        Assert.Equal(Of("a.sh"), Ids(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, Labels: Selector("env=prod", "team=web")))));
        Assert.Equal(Of("a.sh", "b.sh"), Ids(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, "path", Selector("env=prod")))));
        Assert.Empty(await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id, Labels: Selector("env=Prod"))));
        Assert.Empty(await ListAssetsAsync(store, new AssetQuery(TestData.NewTenant().Id, Labels: Selector("env=prod"))));
    }

    [Fact]
    public async Task AssetGroups_NameUniquePerTenant_FindListDelete_OtherTenantLikeMissing()
    {
        var store = await CreateStoreAsync();
        var (a, b) = (await NewScanAsync(store, at: T0), await NewScanAsync(store, at: T0));
        var web = Group(a.Tenant.Id, "web", T1, Selector("team=web"));
        var db = Group(a.Tenant.Id, "db", T2);
        await Groups(store).CreateAssetGroupAsync(web, default);
        await Groups(store).CreateAssetGroupAsync(db, default);
        await Assert.ThrowsAsync<StoreConflictException>(() => Groups(store).CreateAssetGroupAsync(Group(a.Tenant.Id, "web", T3), default));
        var webOfB = Group(b.Tenant.Id, "web", T3);
        await Groups(store).CreateAssetGroupAsync(webOfB, default);

        var found = await Groups(store).FindAssetGroupByNameAsync(a.Tenant.Id, "web", default);
        Assert.Equal((web.Id, web.Name, web.Description, web.CreatedAt), (found!.Id, found.Name, found.Description, found.CreatedAt));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "web" }, found.Selector);
        Assert.Null((await Groups(store).GetAssetGroupAsync(db.Id, default))!.Selector);
        Assert.Null(await Groups(store).FindAssetGroupByNameAsync(a.Tenant.Id, "nope", default));
        Assert.Equal(webOfB.Id, (await Groups(store).FindAssetGroupByNameAsync(b.Tenant.Id, "web", default))!.Id);

        var first = Assert.Single(await Groups(store).ListAssetGroupsAsync(a.Tenant.Id, new PageRequest(1), default));
        Assert.Equal(web.Id, first.Id);
        var rest = await Groups(store).ListAssetGroupsAsync(a.Tenant.Id, new PageRequest(10, new PageCursor(first.CreatedAt, first.Id)), default);
        Assert.Equal([db.Id], rest.Select(g => g.Id));

        Assert.False(await Groups(store).DeleteAssetGroupAsync(b.Tenant.Id, web.Id, default));
        Assert.NotNull(await Groups(store).GetAssetGroupAsync(web.Id, default));
        Assert.True(await Groups(store).DeleteAssetGroupAsync(a.Tenant.Id, web.Id, default));
        Assert.Null(await Groups(store).GetAssetGroupAsync(web.Id, default));
        Assert.False(await Groups(store).DeleteAssetGroupAsync(a.Tenant.Id, web.Id, default));
        // The name is free again.
        await Groups(store).CreateAssetGroupAsync(Group(a.Tenant.Id, "web", T4), default);
    }

    [Fact]
    public async Task StaticGroup_AddRemoveIdempotent_LabelGroupRefused_ForeignAssetOrGroupNotFound_MembersInAssetOrder()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var other = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a")], T1);
        await IngestAsync(store, run, [ScriptFinding("b")], T2);
        await IngestAsync(store, other, [ScriptFinding("x")], T2);
        var assets = await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id));
        var foreign = Assert.Single(await ListAssetsAsync(store, new AssetQuery(other.Tenant.Id)));
        var group = Group(run.Tenant.Id, "servers", T3);
        var labelled = Group(run.Tenant.Id, "prod", T3, Selector("env=prod"));
        await Groups(store).CreateAssetGroupAsync(group, default);
        await Groups(store).CreateAssetGroupAsync(labelled, default);

        // Added newest first; listed in asset order (first seen, id).
        Assert.Equal(MembershipOutcome.Changed, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, assets[1].Id, add: true));
        Assert.Equal(MembershipOutcome.Changed, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, assets[0].Id, add: true));
        Assert.Equal(MembershipOutcome.Unchanged, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, assets[0].Id, add: true));
        Assert.Equal(MembershipOutcome.AssetNotFound, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, foreign.Id, add: true));
        Assert.Equal(MembershipOutcome.AssetNotFound, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, "zzzzzzzzzzzz", add: true));
        Assert.Equal(MembershipOutcome.GroupNotFound, await ChangeMemberAsync(store, other.Tenant.Id, group.Id, foreign.Id, add: true));
        Assert.Equal(MembershipOutcome.LabelBased, await ChangeMemberAsync(store, run.Tenant.Id, labelled.Id, assets[0].Id, add: true));

        Assert.Equal(assets.Select(a => a.Id), (await MembersAsync(store, group.Id, 10)).Select(a => a.Id));
        var firstPage = Assert.Single(await MembersAsync(store, group.Id, 1));
        var secondPage = await Groups(store).ListAssetGroupMembersAsync(group.Id, new PageRequest(5, new PageCursor(firstPage.FirstSeen, firstPage.Id)), default);
        Assert.Equal([assets[1].Id], secondPage.Select(a => a.Id));

        Assert.Equal(MembershipOutcome.Changed, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, assets[0].Id, add: false));
        Assert.Equal(MembershipOutcome.Unchanged, await ChangeMemberAsync(store, run.Tenant.Id, group.Id, assets[0].Id, add: false));
        Assert.Equal([assets[1].Id], (await MembersAsync(store, group.Id, 10)).Select(a => a.Id));

        // Deleting the group removes its memberships, not the assets.
        Assert.True(await Groups(store).DeleteAssetGroupAsync(run.Tenant.Id, group.Id, default));
        Assert.Empty(await MembersAsync(store, group.Id, 10));
        Assert.Equal(2, (await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id))).Count);
    }

    [Fact]
    public async Task ListFindings_AssetAndGroupFilters_LabelGroupFollowsLabelsWhenRead()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a"), ScriptFinding("a2", path: $"{ScannedPath}/a.sh"), ScriptFinding("b"), NmapFinding("192.0.2.1", 22)], T1);
        var assets = (await ListAssetsAsync(store, new AssetQuery(run.Tenant.Id))).ToDictionary(a => a.Value.Split('/')[^1]);
        var byFingerprint = await ByFingerprintAsync(store, run.Tenant.Id);
        var labelled = Group(run.Tenant.Id, "prod", T2, Selector("env=prod"));
        var fixedGroup = Group(run.Tenant.Id, "fixed", T2);
        await Groups(store).CreateAssetGroupAsync(labelled, default);
        await Groups(store).CreateAssetGroupAsync(fixedGroup, default);
        await ChangeMemberAsync(store, run.Tenant.Id, fixedGroup.Id, assets["192.0.2.1"].Id, add: true);

        Assert.Equal(Fingerprints("a", "a2"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, AssetId: assets["a.sh"].Id))));
        Assert.Equal([NmapFingerprint("192.0.2.1", 22)], FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, GroupId: fixedGroup.Id))));
        Assert.Empty(await ListAsync(store, new FindingQuery(run.Tenant.Id, GroupId: labelled.Id)));

        // Labelled after the group was made: its findings are in the group at once, and leave it with the label.
        await SetLabelsAsync(store, assets["b.sh"].Id, run.Tenant.Id, new() { ["env"] = "prod" });
        Assert.Equal(Fingerprints("b"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, GroupId: labelled.Id))));
        await SetLabelsAsync(store, assets["a.sh"].Id, run.Tenant.Id, new() { ["env"] = "prod" });
        Assert.Equal(Fingerprints("a", "a2", "b"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, GroupId: labelled.Id))));
        Assert.Equal(Fingerprints("b"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, GroupId: labelled.Id, AssetId: assets["b.sh"].Id))));
        Assert.Equal(Fingerprints("a", "a2"), FingerprintsOf(await WalkAsync(store,
            new FindingQuery(run.Tenant.Id, Statuses: [FindingStatus.Open], RuleId: "SC2086", AssetId: assets["a.sh"].Id, GroupId: labelled.Id), 1)));
        await SetLabelsAsync(store, assets["b.sh"].Id, run.Tenant.Id, new(), "env");
        Assert.Equal(Fingerprints("a", "a2"), FingerprintsOf(await WalkAsync(store, new FindingQuery(run.Tenant.Id, GroupId: labelled.Id), 1)));

        // Combined with the attempt filter (another read path), and for an unknown or foreign group: nothing.
        var attempt = new FindingQuery(run.Tenant.Id, run.Command.Id, run.Command.Attempt, GroupId: labelled.Id);
        Assert.Equal(Fingerprints("a", "a2"), FingerprintsOf(await ListAsync(store, attempt)));
        Assert.Empty(await ListAsync(store, new FindingQuery(run.Tenant.Id, GroupId: "zzzzzzzzzzzz")));
        Assert.Empty(await ListAsync(store, new FindingQuery(TestData.NewTenant().Id, GroupId: labelled.Id)));
        Assert.All(byFingerprint.Values, f => Assert.NotEmpty(f.AssetId));
    }

    private static IAssetGroupStore Groups(IControlPlaneStore store) => store;

    private static Dictionary<string, string> Selector(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static AssetGroup Group(string tenantId, string name, DateTimeOffset at, Dictionary<string, string>? selector = null) => new()
    {
        Id = Contracts.Secrets.SecretToken.NewId(),
        TenantId = tenantId,
        Name = name,
        Description = $"the {name} group",
        Selector = selector,
        CreatedAt = at,
    };

    private static Task<AssetLabelResult?> SetLabelsAsync(IControlPlaneStore store, string assetId, string? tenantId, Dictionary<string, string> set,
        params string[] remove) =>
        Groups(store).SetAssetLabelsAsync(new AssetLabelUpdate(assetId, tenantId, set, remove, 32), default);

    private static Task<AssetLabelResult?> SetLabelsAsync(IControlPlaneStore store, string assetId, string? tenantId, Dictionary<string, string> set,
        int maxLabels) =>
        Groups(store).SetAssetLabelsAsync(new AssetLabelUpdate(assetId, tenantId, set, [], maxLabels), default);

    private static Task<MembershipOutcome> ChangeMemberAsync(IControlPlaneStore store, string tenantId, string groupId, string assetId, bool add) =>
        Groups(store).ChangeAssetGroupMemberAsync(tenantId, groupId, assetId, add, T4, default);

    private static Task<IReadOnlyList<Asset>> MembersAsync(IControlPlaneStore store, string groupId, int limit) =>
        Groups(store).ListAssetGroupMembersAsync(groupId, new PageRequest(limit), default);
}
