using System.Runtime.CompilerServices;
using SecPlatform.ControlPlane.Core.Audit;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// The storage conformance suite: every provider runs these same tests. A provider's test class only
/// says how to create a fresh, empty store and how to tamper with its audit rows.
/// </summary>
public abstract class StoreConformanceTests
{
    private const string HolderA = "host-a/1001/nonce-a";
    private const string HolderB = "host-a/2002/nonce-b";
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A fresh, empty store (its own file or database), ready for use.</summary>
    protected abstract Task<IControlPlaneStore> CreateStoreAsync();

    /// <summary>Damages the stored audit chain directly in the database (as an attacker with raw access would).</summary>
    protected abstract Task TamperWithAuditAsync(IControlPlaneStore store, AuditTamper tamper);

    // Tenants

    [Fact]
    public async Task CreateTenantAsync_NewTenant_GetAndFindByNameReturnIt()
    {
        var store = await CreateStoreAsync();
        var tenant = TestData.NewTenant("acme", TestData.At(7));

        await store.CreateTenantAsync(tenant, Ct);

        var byId = await store.GetTenantAsync(tenant.Id, Ct);
        Assert.NotNull(byId);
        Assert.Equal(tenant.Id, byId.Id);
        Assert.Equal("acme", byId.Name);
        Assert.Equal(tenant.CreatedAt, byId.CreatedAt);
        var byName = await store.FindTenantByNameAsync("acme", Ct);
        Assert.Equal(tenant.Id, byName?.Id);
    }

    [Fact]
    public async Task GetTenantAsync_UnknownIdOrName_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        await store.CreateTenantAsync(TestData.NewTenant("acme"), Ct);

        Assert.Null(await store.GetTenantAsync("unknown00000", Ct));
        Assert.Null(await store.FindTenantByNameAsync("globex", Ct));
    }

    [Fact]
    public async Task CreateTenantAsync_DuplicateName_ThrowsConflictAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var first = TestData.NewTenant("acme", TestData.At(1));
        await store.CreateTenantAsync(first, Ct);
        var second = TestData.NewTenant("acme", TestData.At(2));

        await Assert.ThrowsAsync<StoreConflictException>(() => store.CreateTenantAsync(second, Ct));

        Assert.Null(await store.GetTenantAsync(second.Id, Ct));
        var all = await store.ListTenantsAsync(null, PageRequest.First(), Ct);
        Assert.Equal(first.Id, Assert.Single(all).Id);
    }

    [Fact]
    public async Task ListTenantsAsync_PagesOfTwo_ReturnEveryTenantOnceOrderedByCreationThenId()
    {
        var store = await CreateStoreAsync();
        // Two tenants share a creation time, so the id must break the tie.
        var tenants = new[] { TestData.NewTenant(createdAt: TestData.At(30)), TestData.NewTenant(createdAt: TestData.At(10)),
            TestData.NewTenant(createdAt: TestData.At(20)), TestData.NewTenant(createdAt: TestData.At(20)), TestData.NewTenant(createdAt: TestData.At(50)) };
        foreach (var tenant in tenants)
        {
            await store.CreateTenantAsync(tenant, Ct);
        }

        var pages = await PageThroughAsync(page => store.ListTenantsAsync(null, page, Ct), t => new PageCursor(t.CreatedAt, t.Id), 2);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(ExpectedOrder(tenants, t => t.CreatedAt, t => t.Id), pages.SelectMany(p => p).Select(t => t.Id));
    }

    [Fact]
    public async Task ListTenantsAsync_OnlyTenantId_ReturnsAtMostThatTenant()
    {
        var store = await CreateStoreAsync();
        var tenants = Enumerable.Range(0, 3).Select(i => TestData.NewTenant(createdAt: TestData.At(i))).ToList();
        foreach (var tenant in tenants)
        {
            await store.CreateTenantAsync(tenant, Ct);
        }

        var only = await store.ListTenantsAsync(tenants[1].Id, PageRequest.First(), Ct);
        var unknown = await store.ListTenantsAsync("unknown00000", PageRequest.First(), Ct);

        Assert.Equal(tenants[1].Id, Assert.Single(only).Id);
        Assert.Empty(unknown);
    }

    // Admin users

    [Fact]
    public async Task CreateAdminAsync_FirstAdmin_AnyAdminTurnsTrueAndGetReturnsIt()
    {
        var store = await CreateStoreAsync();
        var admin = TestData.NewAdmin(null, TestData.At(3), AdminRole.SuperAdmin);
        Assert.False(await store.AnyAdminAsync(Ct));

        await store.CreateAdminAsync(admin, Ct);

        Assert.True(await store.AnyAdminAsync(Ct));
        var stored = await store.GetAdminAsync(admin.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(admin.Name, stored.Name);
        Assert.Equal(AdminRole.SuperAdmin, stored.Role);
        Assert.Null(stored.TenantId);
        Assert.Equal(admin.KeyHash, stored.KeyHash);
        Assert.Equal(admin.CreatedAt, stored.CreatedAt);
        Assert.Null(stored.KeyRotatedAt);
        Assert.Null(stored.RevokedAt);
        Assert.Null(await store.GetAdminAsync("unknown00000", Ct));
    }

    [Fact]
    public async Task ListAdminsAsync_TenantFilter_ReturnsOnlyAdminsBoundToThatTenant()
    {
        var store = await CreateStoreAsync();
        var tenantA = TestData.NewTenant("a");
        var tenantB = TestData.NewTenant("b");
        await store.CreateTenantAsync(tenantA, Ct);
        await store.CreateTenantAsync(tenantB, Ct);
        var platform = TestData.NewAdmin(null, TestData.At(1), AdminRole.SuperAdmin);
        var a1 = TestData.NewAdmin(tenantA.Id, TestData.At(3));
        var a2 = TestData.NewAdmin(tenantA.Id, TestData.At(2), AdminRole.Readonly);
        var b1 = TestData.NewAdmin(tenantB.Id, TestData.At(4));
        foreach (var admin in new[] { platform, a1, a2, b1 })
        {
            await store.CreateAdminAsync(admin, Ct);
        }

        var ofA = await store.ListAdminsAsync(tenantA.Id, PageRequest.First(), Ct);
        var all = await store.ListAdminsAsync(null, PageRequest.First(), Ct);

        Assert.Equal([a2.Id, a1.Id], ofA.Select(a => a.Id));
        Assert.Equal([platform.Id, a2.Id, a1.Id, b1.Id], all.Select(a => a.Id));
    }

    [Fact]
    public async Task UpdateAdminKeyAsync_KnownAdmin_ReplacesHashAndRecordsRotation()
    {
        var store = await CreateStoreAsync();
        var admin = TestData.NewAdmin(null);
        await store.CreateAdminAsync(admin, Ct);

        var updated = await store.UpdateAdminKeyAsync(admin.Id, "$2a$11$rotated", TestData.At(500), Ct);

        Assert.NotNull(updated);
        Assert.Equal("$2a$11$rotated", updated.KeyHash);
        Assert.Equal(TestData.At(500), updated.KeyRotatedAt);
        var stored = await store.GetAdminAsync(admin.Id, Ct);
        Assert.Equal("$2a$11$rotated", stored?.KeyHash);
        Assert.Equal(TestData.At(500), stored?.KeyRotatedAt);
    }

    [Fact]
    public async Task UpdateAdminKeyAsync_UnknownAdmin_ReturnsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.UpdateAdminKeyAsync("unknown00000", "$2a$11$x", TestData.At(1), Ct));
    }

    [Fact]
    public async Task RevokeAdminAsync_KnownAdmin_SetsRevokedAt()
    {
        var store = await CreateStoreAsync();
        var admin = TestData.NewAdmin(null);
        await store.CreateAdminAsync(admin, Ct);

        var revoked = await store.RevokeAdminAsync(admin.Id, TestData.At(250), Ct);

        Assert.Equal(TestData.At(250), revoked?.RevokedAt);
        Assert.Equal(TestData.At(250), (await store.GetAdminAsync(admin.Id, Ct))?.RevokedAt);
        Assert.Null(await store.RevokeAdminAsync("unknown00000", TestData.At(250), Ct));
    }

    // Bootstrap tokens

    [Fact]
    public async Task CreateBootstrapTokenAsync_NewToken_GetReturnsEveryField()
    {
        var store = await CreateStoreAsync();
        var tenant = TestData.NewTenant();
        await store.CreateTenantAsync(tenant, Ct);
        var token = TestData.NewToken(tenant.Id, TestData.At(42), maxUses: 3);

        await store.CreateBootstrapTokenAsync(token, Ct);

        var stored = await store.GetBootstrapTokenAsync(token.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(tenant.Id, stored.TenantId);
        Assert.Equal(token.SecretHash, stored.SecretHash);
        Assert.Equal(token.CreatedAt, stored.CreatedAt);
        Assert.Equal(token.ExpiresAt, stored.ExpiresAt);
        Assert.Equal(3, stored.MaxUses);
        Assert.Equal(0, stored.UsedCount);
        Assert.Equal(token.Labels.OrderBy(l => l.Key, StringComparer.Ordinal), stored.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
        Assert.Equal(token.Cidrs, stored.Cidrs);
        Assert.Null(stored.RevokedAt);
        Assert.Equal(token.CreatedBy, stored.CreatedBy);
        Assert.Null(await store.GetBootstrapTokenAsync("unknown00000", Ct));
    }

    [Fact]
    public async Task ListBootstrapTokensAsync_TenantFilter_ExcludesPlatformAndOtherTenantsTokens()
    {
        var store = await CreateStoreAsync();
        var tenantA = TestData.NewTenant("a");
        var tenantB = TestData.NewTenant("b");
        await store.CreateTenantAsync(tenantA, Ct);
        await store.CreateTenantAsync(tenantB, Ct);
        var platform = TestData.NewToken(null, TestData.At(1));
        var a1 = TestData.NewToken(tenantA.Id, TestData.At(2));
        var b1 = TestData.NewToken(tenantB.Id, TestData.At(3));
        var a2 = TestData.NewToken(tenantA.Id, TestData.At(4));
        foreach (var token in new[] { platform, a1, b1, a2 })
        {
            await store.CreateBootstrapTokenAsync(token, Ct);
        }

        var ofA = await store.ListBootstrapTokensAsync(tenantA.Id, PageRequest.First(), Ct);
        var all = await store.ListBootstrapTokensAsync(null, PageRequest.First(), Ct);

        Assert.Equal([a1.Id, a2.Id], ofA.Select(t => t.Id));
        Assert.Equal([platform.Id, a1.Id, b1.Id, a2.Id], all.Select(t => t.Id));
    }

    [Fact]
    public async Task RevokeBootstrapTokenAsync_RevokedTwice_KeepsFirstRevocationTime()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null);
        await store.CreateBootstrapTokenAsync(token, Ct);

        var first = await store.RevokeBootstrapTokenAsync(token.Id, TestData.At(100), Ct);
        var second = await store.RevokeBootstrapTokenAsync(token.Id, TestData.At(900), Ct);

        Assert.Equal(TestData.At(100), first?.RevokedAt);
        Assert.Equal(TestData.At(100), second?.RevokedAt);
        Assert.Equal(TestData.At(100), (await store.GetBootstrapTokenAsync(token.Id, Ct))?.RevokedAt);
    }

    [Fact]
    public async Task RevokeBootstrapTokenAsync_UnknownId_ReturnsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.RevokeBootstrapTokenAsync("unknown00000", TestData.At(1), Ct));
    }

    // Registration

    [Fact]
    public async Task RegisterAgentAsync_UsableToken_WritesAgentKeyLeaseAndAttemptAndConsumesAUse()
    {
        var store = await CreateStoreAsync();
        var tenant = TestData.NewTenant();
        await store.CreateTenantAsync(tenant, Ct);
        var token = TestData.NewToken(tenant.Id, TestData.At(0), maxUses: 2);
        await store.CreateBootstrapTokenAsync(token, Ct);
        var registration = TestData.NewRegistration(token, TestData.At(1000));

        Assert.True(await store.RegisterAgentAsync(registration, Ct));

        Assert.Equal(1, (await store.GetBootstrapTokenAsync(token.Id, Ct))?.UsedCount);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.NotNull(stored);
        var agent = stored.Agent;
        Assert.Equal(registration.Agent.Name, agent.Name);
        Assert.Equal(registration.Agent.Hostname, agent.Hostname);
        Assert.Equal("linux", agent.Os);
        Assert.Equal("x64", agent.Arch);
        Assert.Equal("0.1.0", agent.Version);
        Assert.Equal(tenant.Id, agent.TenantId);
        Assert.Equal(registration.Agent.Labels.OrderBy(l => l.Key, StringComparer.Ordinal), agent.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
        Assert.Equal(["shellcheck 0.9.0", "nmap 7.93"], agent.Capabilities.Select(c => $"{c.Scanner} {c.Version}"));
        Assert.Equal(TestData.At(1000), agent.RegisteredAt);
        Assert.Equal(token.Id, agent.BootstrapTokenId);
        Assert.False(agent.Cordoned || agent.Draining);
        Assert.Null(agent.RevokedAt);
        Assert.Equal(registration.Agent.Id, stored.Lease.AgentId);
        Assert.False(stored.Lease.Held);
        Assert.Null(stored.Lease.HolderIdentity);
        Assert.Equal(40, stored.Lease.LeaseDurationSeconds);
        Assert.Equal(0, stored.Lease.LeaseTransitions);
        var key = await store.GetAgentKeyAsync(registration.Key.Id, Ct);
        Assert.NotNull(key);
        Assert.Equal(registration.Agent.Id, key.AgentId);
        Assert.Equal(registration.Key.SecretHash, key.SecretHash);
        Assert.Null(key.ExpiresAt);
        var attempt = Assert.Single(await store.ListRegistrationAttemptsAsync(null, PageRequest.First(), Ct));
        Assert.Equal(registration.Attempt.Id, attempt.Id);
        Assert.True(attempt.Succeeded);
        Assert.Equal(registration.Agent.Id, attempt.AgentId);
        Assert.Equal(token.Id, attempt.TokenId);
        Assert.Equal(tenant.Id, attempt.TenantId);
        Assert.Equal("192.0.2.10", attempt.PeerAddress);
    }

    [Fact]
    public async Task RegisterAgentAsync_ExpiredToken_ReturnsFalseAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null, TestData.At(0), lifetime: TimeSpan.FromMinutes(5));
        await store.CreateBootstrapTokenAsync(token, Ct);

        await AssertRefusedAndNothingWrittenAsync(store, TestData.NewRegistration(token, token.ExpiresAt.AddMilliseconds(1)));
    }

    [Fact]
    public async Task RegisterAgentAsync_AtTheExpiryInstant_ReturnsFalseAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null, TestData.At(0), lifetime: TimeSpan.FromMinutes(5));
        await store.CreateBootstrapTokenAsync(token, Ct);

        await AssertRefusedAndNothingWrittenAsync(store, TestData.NewRegistration(token, token.ExpiresAt));
    }

    [Fact]
    public async Task RegisterAgentAsync_RevokedToken_ReturnsFalseAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null, TestData.At(0), maxUses: 5);
        await store.CreateBootstrapTokenAsync(token, Ct);
        await store.RevokeBootstrapTokenAsync(token.Id, TestData.At(10), Ct);

        await AssertRefusedAndNothingWrittenAsync(store, TestData.NewRegistration(token, TestData.At(20)));
    }

    [Fact]
    public async Task RegisterAgentAsync_UsedUpToken_ReturnsFalseAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null, TestData.At(0), maxUses: 1);
        await store.CreateBootstrapTokenAsync(token, Ct);
        Assert.True(await store.RegisterAgentAsync(TestData.NewRegistration(token, TestData.At(10)), Ct));

        await AssertRefusedAndNothingWrittenAsync(store, TestData.NewRegistration(token, TestData.At(20)));
    }

    [Fact]
    public async Task RegisterAgentAsync_UnknownToken_ReturnsFalseAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var neverStored = TestData.NewToken(null, TestData.At(0), maxUses: 5);

        await AssertRefusedAndNothingWrittenAsync(store, TestData.NewRegistration(neverStored, TestData.At(10)));
    }

    [Fact]
    public async Task RegisterAgentAsync_FiftyConcurrentOnSingleUseToken_ExactlyOneSucceedsInEachOfTwentyRounds()
    {
        var store = await CreateStoreAsync();
        for (var round = 0; round < 20; round++)
        {
            var token = TestData.NewToken(null, TestData.At(round), maxUses: 1);
            await store.CreateBootstrapTokenAsync(token, Ct);

            var successes = await RegisterConcurrentlyAsync(store, token, 50, TestData.At(1000 + round));

            Assert.Equal(1, successes);
            Assert.Equal(1, (await store.GetBootstrapTokenAsync(token.Id, Ct))?.UsedCount);
            Assert.Single(await AllAgentsAsync(store), a => a.Agent.BootstrapTokenId == token.Id);
        }

        Assert.Equal(20, (await AllAgentsAsync(store)).Count);
        Assert.Equal(20, (await AllAttemptsAsync(store)).Count);
    }

    [Fact]
    public async Task RegisterAgentAsync_TwentyConcurrentOnThreeUseToken_ExactlyThreeSucceed()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null, TestData.At(0), maxUses: 3);
        await store.CreateBootstrapTokenAsync(token, Ct);

        var successes = await RegisterConcurrentlyAsync(store, token, 20, TestData.At(1000));

        Assert.Equal(3, successes);
        Assert.Equal(3, (await store.GetBootstrapTokenAsync(token.Id, Ct))?.UsedCount);
        Assert.Equal(3, (await AllAgentsAsync(store)).Count);
        Assert.Equal(3, (await AllAttemptsAsync(store)).Count);
    }

    [Fact]
    public async Task RecordRegistrationAttemptAsync_FailedAttempts_ListedByTimeThenIdInPages()
    {
        var store = await CreateStoreAsync();
        var attempts = new[] { 40, 10, 30, 30, 20 }
            .Select(ms => TestData.NewAttempt("tokenid00000", null, TestData.At(ms)))
            .ToList();
        foreach (var attempt in attempts)
        {
            await store.RecordRegistrationAttemptAsync(attempt, Ct);
        }

        var pages = await PageThroughAsync(page => store.ListRegistrationAttemptsAsync(null, page, Ct), a => new PageCursor(a.Time, a.Id), 2);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(ExpectedOrder(attempts, a => a.Time, a => a.Id), pages.SelectMany(p => p).Select(a => a.Id));
        var first = pages[0][0];
        Assert.False(first.Succeeded);
        Assert.Equal("token not usable", first.Reason);
        Assert.Equal("tokenid00000", first.TokenId);
        Assert.Null(first.AgentId);
    }

    [Fact]
    public async Task ListRegistrationAttemptsAsync_TenantFilter_ExcludesPlatformAndOtherTenantsAttempts()
    {
        var store = await CreateStoreAsync();
        var tenantA = await AddTenantAsync(store, "a");
        var tenantB = await AddTenantAsync(store, "b");
        var platform = TestData.NewAttempt("tokenid00001", null, TestData.At(1));
        var ofA = TestData.NewAttempt("tokenid00002", tenantA, TestData.At(2));
        var ofB = TestData.NewAttempt("tokenid00003", tenantB, TestData.At(3));
        foreach (var attempt in new[] { platform, ofA, ofB })
        {
            await store.RecordRegistrationAttemptAsync(attempt, Ct);
        }

        var listed = await store.ListRegistrationAttemptsAsync(tenantA, PageRequest.First(), Ct);

        Assert.Equal(ofA.Id, Assert.Single(listed).Id);
        Assert.Equal(3, (await AllAttemptsAsync(store)).Count);
    }

    // Agents

    [Fact]
    public async Task GetAgentAsync_UnknownId_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        await RegisterAsync(store, null, TestData.At(1));

        Assert.Null(await store.GetAgentAsync("unknown00000", Ct));
    }

    [Fact]
    public async Task ListAgentsAsync_TenantFilter_ExcludesPlatformAgentsAndOtherTenants()
    {
        var store = await CreateStoreAsync();
        var tenantA = TestData.NewTenant("a");
        var tenantB = TestData.NewTenant("b");
        await store.CreateTenantAsync(tenantA, Ct);
        await store.CreateTenantAsync(tenantB, Ct);
        var platform = await RegisterAsync(store, null, TestData.At(1));
        var a1 = await RegisterAsync(store, tenantA.Id, TestData.At(2));
        var b1 = await RegisterAsync(store, tenantB.Id, TestData.At(3));
        var a2 = await RegisterAsync(store, tenantA.Id, TestData.At(4));

        var ofA = await store.ListAgentsAsync(tenantA.Id, PageRequest.First(), Ct);
        var all = await store.ListAgentsAsync(null, PageRequest.First(), Ct);

        Assert.Equal([a1.Agent.Id, a2.Agent.Id], ofA.Select(a => a.Agent.Id));
        Assert.Equal([platform.Agent.Id, a1.Agent.Id, b1.Agent.Id, a2.Agent.Id], all.Select(a => a.Agent.Id));
    }

    [Fact]
    public async Task ListAgentsAsync_PagesOfTwo_ReturnEveryAgentOnceOrderedByRegistrationThenId()
    {
        var store = await CreateStoreAsync();
        var token = TestData.NewToken(null, TestData.At(0), maxUses: 5);
        await store.CreateBootstrapTokenAsync(token, Ct);
        var registrations = new[] { 40, 10, 30, 30, 20 }.Select(ms => TestData.NewRegistration(token, TestData.At(ms))).ToList();
        foreach (var registration in registrations)
        {
            Assert.True(await store.RegisterAgentAsync(registration, Ct));
        }

        var pages = await PageThroughAsync(page => store.ListAgentsAsync(null, page, Ct), a => new PageCursor(a.Agent.RegisteredAt, a.Agent.Id), 2);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(
            ExpectedOrder(registrations.Select(r => r.Agent), a => a.RegisteredAt, a => a.Id),
            pages.SelectMany(p => p).Select(a => a.Agent.Id));
    }

    [Fact]
    public async Task ApplyAgentActionAsync_Cordon_SetsCordoned()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));

        var result = await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Cordon, TestData.At(2), Ct);

        Assert.True(result?.Agent.Cordoned);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.True(stored?.Agent.Cordoned);
        Assert.False(stored?.Agent.Draining);
        Assert.Null(stored?.Agent.RevokedAt);
    }

    [Fact]
    public async Task ApplyAgentActionAsync_Drain_SetsDraining()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));

        var result = await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Drain, TestData.At(2), Ct);

        Assert.True(result?.Agent.Draining);
        Assert.True((await store.GetAgentAsync(registration.Agent.Id, Ct))?.Agent.Draining);
    }

    [Fact]
    public async Task ApplyAgentActionAsync_UncordonAfterCordonAndDrain_ClearsBothFlags()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Cordon, TestData.At(2), Ct);
        await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Drain, TestData.At(3), Ct);

        var result = await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Uncordon, TestData.At(4), Ct);

        Assert.NotNull(result);
        Assert.False(result.Agent.Cordoned);
        Assert.False(result.Agent.Draining);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.False(stored?.Agent.Cordoned);
        Assert.False(stored?.Agent.Draining);
    }

    [Fact]
    public async Task ApplyAgentActionAsync_Revoke_SetsRevokedAtAndEndsLease()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        var acquired = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(2)), Ct);
        Assert.True(acquired.Agent?.Online);

        var result = await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Revoke, TestData.At(3), Ct);

        Assert.Equal(TestData.At(3), result?.Agent.RevokedAt);
        Assert.False(result?.Lease.Held);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(TestData.At(3), stored.Agent.RevokedAt);
        Assert.False(stored.Lease.Held);
        Assert.False(stored.Online);
    }

    [Fact]
    public async Task ApplyAgentActionAsync_RevokeTwice_KeepsFirstRevocationTime()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Revoke, TestData.At(3), Ct);

        var again = await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Revoke, TestData.At(9), Ct);

        Assert.Equal(TestData.At(3), again?.Agent.RevokedAt);
        Assert.Equal(TestData.At(3), (await store.GetAgentAsync(registration.Agent.Id, Ct))?.Agent.RevokedAt);
    }

    [Fact]
    public async Task ApplyAgentActionAsync_UnknownAgent_ReturnsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.ApplyAgentActionAsync("unknown00000", AgentAction.Cordon, TestData.At(1), Ct));
    }

    [Fact]
    public async Task DeregisterAgentAsync_KnownAgent_HidesAgentEndsLeaseAndDeletesKeys()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        var other = await RegisterAsync(store, null, TestData.At(2));
        var rotated = TestData.NewKey(registration.Agent.Id, TestData.At(3));
        await store.RotateAgentKeyAsync(rotated, TestData.At(60_000), Ct);
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(4)), Ct);

        Assert.True(await store.DeregisterAgentAsync(registration.Agent.Id, TestData.At(5), Ct));

        Assert.Null(await store.GetAgentAsync(registration.Agent.Id, Ct));
        Assert.Equal([other.Agent.Id], (await AllAgentsAsync(store)).Select(a => a.Agent.Id));
        Assert.Null(await store.GetAgentKeyAsync(registration.Key.Id, Ct));
        Assert.Null(await store.GetAgentKeyAsync(rotated.Id, Ct));
        Assert.NotNull(await store.GetAgentKeyAsync(other.Key.Id, Ct));
        Assert.Empty(await store.ExpireLeasesAsync(TestData.At(3_600_000), Ct));
        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, false, TestData.At(6)), Ct);
        Assert.Equal(LeaseRenewOutcome.NotFound, renewal.Outcome);
        Assert.Null(await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Cordon, TestData.At(7), Ct));
    }

    [Fact]
    public async Task DeregisterAgentAsync_UnknownAgent_ReturnsFalse()
    {
        var store = await CreateStoreAsync();

        Assert.False(await store.DeregisterAgentAsync("unknown00000", TestData.At(1), Ct));
    }

    [Fact]
    public async Task GetAgentByKeyAsync_LiveAgent_ReturnsKeyAgentAndLeaseInOneRead()
    {
        var store = await CreateStoreAsync();
        var tenant = await AddTenantAsync(store, "keys");
        var registration = await RegisterAsync(store, tenant, TestData.At(1));
        await RegisterAsync(store, tenant, TestData.At(2));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(3)), Ct);
        await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Cordon, TestData.At(4), Ct);

        var found = await store.GetAgentByKeyAsync(registration.Key.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(registration.Key.Id, found.Key.Id);
        Assert.Equal(registration.Agent.Id, found.Key.AgentId);
        Assert.Equal(registration.Key.SecretHash, found.Key.SecretHash);
        Assert.Null(found.Key.ExpiresAt);
        Assert.Equal(registration.Agent.Id, found.Agent.Agent.Id);
        Assert.Equal(tenant, found.Agent.Agent.TenantId);
        Assert.True(found.Agent.Agent.Cordoned);
        Assert.Equal(registration.Agent.Id, found.Agent.Lease.AgentId);
        Assert.True(found.Agent.Lease.Held);
        Assert.Equal(HolderA, found.Agent.Lease.HolderIdentity);
        Assert.Equal(TestData.At(3).AddSeconds(40), found.Agent.Lease.ExpiresAt);
    }

    [Fact]
    public async Task GetAgentByKeyAsync_RotatedKeyAndRevokedAgent_ReturnsThemForTheCallerToJudge()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RotateAgentKeyAsync(TestData.NewKey(registration.Agent.Id, TestData.At(2)), TestData.At(60_000), Ct);
        await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Revoke, TestData.At(3), Ct);

        var found = await store.GetAgentByKeyAsync(registration.Key.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(TestData.At(60_000), found.Key.ExpiresAt);
        Assert.Equal(TestData.At(3), found.Agent.Agent.RevokedAt);
        Assert.False(found.Agent.Lease.Held);
    }

    [Fact]
    public async Task GetAgentByKeyAsync_UnknownKeyOrDeregisteredAgent_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        Assert.True(await store.DeregisterAgentAsync(registration.Agent.Id, TestData.At(2), Ct));

        Assert.Null(await store.GetAgentByKeyAsync(registration.Key.Id, Ct));
        Assert.Null(await store.GetAgentByKeyAsync("unknown00000", Ct));
    }

    [Fact]
    public async Task GetAgentByKeyAsync_LookedUpBefore_SeesRotationRevocationAndDeregistrationAtOnce()
    {
        // Every agent call looks its key up: a store that keeps what it read must still show each change at once.
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        Assert.Null((await store.GetAgentByKeyAsync(registration.Key.Id, Ct))?.Key.ExpiresAt);

        var newKey = TestData.NewKey(registration.Agent.Id, TestData.At(2));
        await store.RotateAgentKeyAsync(newKey, TestData.At(60_000), Ct);
        Assert.Equal(TestData.At(60_000), (await store.GetAgentByKeyAsync(registration.Key.Id, Ct))?.Key.ExpiresAt);
        Assert.Null((await store.GetAgentByKeyAsync(newKey.Id, Ct))?.Key.ExpiresAt);

        await store.ApplyAgentActionAsync(registration.Agent.Id, AgentAction.Revoke, TestData.At(3), Ct);
        Assert.Equal(TestData.At(3), (await store.GetAgentByKeyAsync(newKey.Id, Ct))?.Agent.Agent.RevokedAt);

        Assert.True(await store.DeregisterAgentAsync(registration.Agent.Id, TestData.At(4), Ct));
        Assert.Null(await store.GetAgentByKeyAsync(registration.Key.Id, Ct));
        Assert.Null(await store.GetAgentByKeyAsync(newKey.Id, Ct));
        Assert.Null(await store.GetAgentKeyAsync(newKey.Id, Ct));
    }

    [Fact]
    public async Task RotateAgentKeyAsync_NewKey_OldKeyGetsExpiryAndNewKeyIsFound()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        var newKey = TestData.NewKey(registration.Agent.Id, TestData.At(1000));

        await store.RotateAgentKeyAsync(newKey, TestData.At(61_000), Ct);

        var old = await store.GetAgentKeyAsync(registration.Key.Id, Ct);
        Assert.Equal(TestData.At(61_000), old?.ExpiresAt);
        var stored = await store.GetAgentKeyAsync(newKey.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(registration.Agent.Id, stored.AgentId);
        Assert.Equal(newKey.SecretHash, stored.SecretHash);
        Assert.Equal(TestData.At(1000), stored.CreatedAt);
        Assert.Null(stored.ExpiresAt);
        Assert.Null(await store.GetAgentKeyAsync("unknown00000", Ct));
    }

    [Fact]
    public async Task RotateAgentKeyAsync_OlderKeyExpiringEarlier_KeepsEarlierExpiry()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        var other = await RegisterAsync(store, null, TestData.At(2));
        var second = TestData.NewKey(registration.Agent.Id, TestData.At(1000));
        var third = TestData.NewKey(registration.Agent.Id, TestData.At(2000));
        await store.RotateAgentKeyAsync(second, TestData.At(61_000), Ct);

        await store.RotateAgentKeyAsync(third, TestData.At(120_000), Ct);

        Assert.Equal(TestData.At(61_000), (await store.GetAgentKeyAsync(registration.Key.Id, Ct))?.ExpiresAt);
        Assert.Equal(TestData.At(120_000), (await store.GetAgentKeyAsync(second.Id, Ct))?.ExpiresAt);
        Assert.Null((await store.GetAgentKeyAsync(third.Id, Ct))?.ExpiresAt);
        var untouched = await store.GetAgentKeyAsync(other.Key.Id, Ct);
        Assert.NotNull(untouched);
        Assert.Null(untouched.ExpiresAt);
    }

    // Leases

    [Fact]
    public async Task RenewLeaseAsync_FirstAcquire_AcquiredWithZeroTransitions()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));

        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100), durationSeconds: 40), Ct);

        Assert.Equal(LeaseRenewOutcome.Acquired, renewal.Outcome);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.NotNull(stored);
        foreach (var lease in new[] { renewal.Agent?.Lease, stored.Lease })
        {
            Assert.NotNull(lease);
            Assert.True(lease.Held);
            Assert.Equal(HolderA, lease.HolderIdentity);
            Assert.Equal(TestData.At(100), lease.AcquireTime);
            Assert.Equal(TestData.At(100), lease.RenewTime);
            Assert.Equal(TestData.At(40_100), lease.ExpiresAt);
            Assert.Equal(40, lease.LeaseDurationSeconds);
            Assert.Equal(0, lease.LeaseTransitions);
        }

        Assert.True(stored.Online);
    }

    [Fact]
    public async Task RenewLeaseAsync_HolderRenews_RenewedWithNewRenewTimeExpiryAndDuration()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);

        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, false, TestData.At(10_100), durationSeconds: 30), Ct);

        Assert.Equal(LeaseRenewOutcome.Renewed, renewal.Outcome);
        var lease = (await store.GetAgentAsync(registration.Agent.Id, Ct))?.Lease;
        Assert.NotNull(lease);
        Assert.True(lease.Held);
        Assert.Equal(HolderA, lease.HolderIdentity);
        Assert.Equal(TestData.At(100), lease.AcquireTime);
        Assert.Equal(TestData.At(10_100), lease.RenewTime);
        Assert.Equal(TestData.At(40_100), lease.ExpiresAt);
        Assert.Equal(30, lease.LeaseDurationSeconds);
        Assert.Equal(0, lease.LeaseTransitions);
    }

    [Fact]
    public async Task RenewLeaseAsync_HolderRenewsWithAcquire_Renewed()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);

        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(200)), Ct);

        Assert.Equal(LeaseRenewOutcome.Renewed, renewal.Outcome);
        Assert.Equal(TestData.At(100), renewal.Agent?.Lease.AcquireTime);
        Assert.Equal(0, renewal.Agent?.Lease.LeaseTransitions);
    }

    [Fact]
    public async Task RenewLeaseAsync_OtherHolderWithoutAcquire_SupersededAndNothingChanged()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);
        var before = await store.GetAgentAsync(registration.Agent.Id, Ct);

        var renewal = await store.RenewLeaseAsync(
            Renew(registration.Agent.Id, HolderB, false, TestData.At(200), version: "9.9.9", capabilities: [new Capability { Scanner = "bandit", Version = "1.7" }]),
            Ct);

        Assert.Equal(LeaseRenewOutcome.Superseded, renewal.Outcome);
        var after = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.NotNull(before);
        Assert.NotNull(after);
        AssertSameLease(before.Lease, after.Lease);
        Assert.Equal("0.1.0", after.Agent.Version);
        Assert.Equal(["shellcheck", "nmap"], after.Agent.Capabilities.Select(c => c.Scanner));
    }

    [Fact]
    public async Task RenewLeaseAsync_NewHolderAcquires_TakesOverAndCountsATransition()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);

        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderB, true, TestData.At(5_000), durationSeconds: 20), Ct);

        Assert.Equal(LeaseRenewOutcome.Acquired, renewal.Outcome);
        var lease = (await store.GetAgentAsync(registration.Agent.Id, Ct))?.Lease;
        Assert.NotNull(lease);
        Assert.True(lease.Held);
        Assert.Equal(HolderB, lease.HolderIdentity);
        Assert.Equal(TestData.At(5_000), lease.AcquireTime);
        Assert.Equal(TestData.At(5_000), lease.RenewTime);
        Assert.Equal(TestData.At(25_000), lease.ExpiresAt);
        Assert.Equal(20, lease.LeaseDurationSeconds);
        Assert.Equal(1, lease.LeaseTransitions);
    }

    [Fact]
    public async Task RenewLeaseAsync_SupersededHolderRenews_SupersededAndNewHolderKeepsLease()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderB, true, TestData.At(200)), Ct);

        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, false, TestData.At(300)), Ct);

        Assert.Equal(LeaseRenewOutcome.Superseded, renewal.Outcome);
        var lease = (await store.GetAgentAsync(registration.Agent.Id, Ct))?.Lease;
        Assert.Equal(HolderB, lease?.HolderIdentity);
        Assert.Equal(TestData.At(200), lease?.RenewTime);
        Assert.Equal(1, lease?.LeaseTransitions);
    }

    [Fact]
    public async Task RenewLeaseAsync_UnknownAgent_NotFound()
    {
        var store = await CreateStoreAsync();

        var renewal = await store.RenewLeaseAsync(Renew("unknown00000", HolderA, true, TestData.At(1)), Ct);

        Assert.Equal(LeaseRenewOutcome.NotFound, renewal.Outcome);
        Assert.Null(renewal.Agent);
    }

    [Fact]
    public async Task RenewLeaseAsync_VersionAndCapabilitiesGiven_UpdatesAgentAndKeepsThemWhenOmitted()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        Capability[] capabilities = [new Capability { Scanner = "bandit", Version = "1.7.5" }];

        var renewal = await store.RenewLeaseAsync(
            Renew(registration.Agent.Id, HolderA, true, TestData.At(100), version: "0.2.0", capabilities: capabilities), Ct);
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, false, TestData.At(200)), Ct);

        Assert.Equal("0.2.0", renewal.Agent?.Agent.Version);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.Equal("0.2.0", stored?.Agent.Version);
        var capability = Assert.Single(stored?.Agent.Capabilities ?? []);
        Assert.Equal("bandit", capability.Scanner);
        Assert.Equal("1.7.5", capability.Version);
    }

    [Fact]
    public async Task RenewLeaseAsync_HolderRenewsWithSameThenNewVersion_RenewedAndAgentUpdatedOnlyOnChange()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        Capability[] capabilities = [new Capability { Scanner = "bandit", Version = "1.7.5" }];
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100), version: "0.2.0", capabilities: capabilities), Ct);

        var same = await store.RenewLeaseAsync(
            Renew(registration.Agent.Id, HolderA, false, TestData.At(200), version: "0.2.0", capabilities: capabilities), Ct);
        var upgraded = await store.RenewLeaseAsync(
            Renew(registration.Agent.Id, HolderA, false, TestData.At(300), version: "0.3.0", capabilities: [.. capabilities, new Capability { Scanner = "nmap", Version = "7.93" }]), Ct);

        Assert.Equal(LeaseRenewOutcome.Renewed, same.Outcome);
        Assert.Equal("0.2.0", same.Agent?.Agent.Version);
        Assert.Equal(TestData.At(200), same.Agent?.Lease.RenewTime);
        Assert.Equal(TestData.At(100), same.Agent?.Lease.AcquireTime);
        Assert.Equal(registration.Agent.Name, same.Agent?.Agent.Name);
        Assert.Equal(LeaseRenewOutcome.Renewed, upgraded.Outcome);
        Assert.Equal("0.3.0", upgraded.Agent?.Agent.Version);
        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.Equal("0.3.0", stored?.Agent.Version);
        Assert.Equal(["bandit", "nmap"], stored?.Agent.Capabilities.Select(c => c.Scanner));
        Assert.Equal(TestData.At(300), stored?.Lease.RenewTime);
        Assert.Equal(TestData.At(40_300), stored?.Lease.ExpiresAt);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_Holder_EndsLeaseAndKeepsHolderIdentity()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);

        Assert.True(await store.ReleaseLeaseAsync(registration.Agent.Id, HolderA, TestData.At(200), Ct));

        var stored = await store.GetAgentAsync(registration.Agent.Id, Ct);
        Assert.NotNull(stored);
        Assert.False(stored.Lease.Held);
        Assert.Equal(HolderA, stored.Lease.HolderIdentity);
        Assert.False(stored.Online);
        Assert.False(await store.ReleaseLeaseAsync(registration.Agent.Id, HolderA, TestData.At(300), Ct));
    }

    [Fact]
    public async Task ReleaseLeaseAsync_NonHolder_RefusedAndLeaseStillHeld()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(100)), Ct);

        Assert.False(await store.ReleaseLeaseAsync(registration.Agent.Id, HolderB, TestData.At(200), Ct));

        var lease = (await store.GetAgentAsync(registration.Agent.Id, Ct))?.Lease;
        Assert.True(lease?.Held);
        Assert.Equal(HolderA, lease?.HolderIdentity);
        Assert.False(await store.ReleaseLeaseAsync("unknown00000", HolderA, TestData.At(200), Ct));
    }

    [Fact]
    public async Task ExpireLeasesAsync_SomeLeasesPastExpiry_EndsOnlyThose()
    {
        var store = await CreateStoreAsync();
        var early = await RegisterAsync(store, null, TestData.At(1));
        var late = await RegisterAsync(store, null, TestData.At(2));
        var neverHeld = await RegisterAsync(store, null, TestData.At(3));
        await store.RenewLeaseAsync(Renew(early.Agent.Id, HolderA, true, TestData.At(0), durationSeconds: 10), Ct);
        await store.RenewLeaseAsync(Renew(late.Agent.Id, HolderB, true, TestData.At(5_000), durationSeconds: 10), Ct);

        var atExpiry = await store.ExpireLeasesAsync(TestData.At(10_000), Ct);
        var justAfter = await store.ExpireLeasesAsync(TestData.At(10_001), Ct);
        var again = await store.ExpireLeasesAsync(TestData.At(10_002), Ct);

        Assert.Empty(atExpiry);
        Assert.Equal([early.Agent.Id], justAfter);
        Assert.Empty(again);
        Assert.False((await store.GetAgentAsync(early.Agent.Id, Ct))?.Lease.Held);
        Assert.Equal(HolderA, (await store.GetAgentAsync(early.Agent.Id, Ct))?.Lease.HolderIdentity);
        Assert.True((await store.GetAgentAsync(late.Agent.Id, Ct))?.Lease.Held);
        Assert.False((await store.GetAgentAsync(neverHeld.Agent.Id, Ct))?.Lease.Held);
    }

    [Fact]
    public async Task RenewLeaseAsync_SameHolderAfterExpiry_ReacquiresWithoutTransition()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(0), durationSeconds: 10), Ct);
        Assert.Equal([registration.Agent.Id], await store.ExpireLeasesAsync(TestData.At(11_000), Ct));

        // Without Acquire: a process that kept running through a network cut simply renews again.
        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, false, TestData.At(12_000), durationSeconds: 10), Ct);

        Assert.Equal(LeaseRenewOutcome.Acquired, renewal.Outcome);
        var lease = (await store.GetAgentAsync(registration.Agent.Id, Ct))?.Lease;
        Assert.NotNull(lease);
        Assert.True(lease.Held);
        Assert.Equal(HolderA, lease.HolderIdentity);
        Assert.Equal(TestData.At(12_000), lease.AcquireTime);
        Assert.Equal(TestData.At(12_000), lease.RenewTime);
        Assert.Equal(TestData.At(22_000), lease.ExpiresAt);
        Assert.Equal(0, lease.LeaseTransitions);
    }

    [Fact]
    public async Task RenewLeaseAsync_NewHolderAfterExpiry_AcquiresAndCountsATransition()
    {
        var store = await CreateStoreAsync();
        var registration = await RegisterAsync(store, null, TestData.At(1));
        await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderA, true, TestData.At(0), durationSeconds: 10), Ct);
        await store.ExpireLeasesAsync(TestData.At(11_000), Ct);

        var refused = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderB, false, TestData.At(12_000)), Ct);
        var renewal = await store.RenewLeaseAsync(Renew(registration.Agent.Id, HolderB, true, TestData.At(13_000)), Ct);

        Assert.Equal(LeaseRenewOutcome.Superseded, refused.Outcome);
        Assert.Equal(LeaseRenewOutcome.Acquired, renewal.Outcome);
        Assert.Equal(HolderB, renewal.Agent?.Lease.HolderIdentity);
        Assert.Equal(1, renewal.Agent?.Lease.LeaseTransitions);
    }

    // Reaper state

    [Fact]
    public async Task RecordReaperRunAsync_FirstRun_RecordsRunWithoutGrace()
    {
        var store = await CreateStoreAsync();

        var state = await store.RecordReaperRunAsync(TestData.At(0), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        Assert.Equal(TestData.At(0), state.LastRunAt);
        Assert.Null(state.GraceUntil);
    }

    [Fact]
    public async Task RecordReaperRunAsync_GapLongerThanThreshold_GrantsGraceFromNow()
    {
        var store = await CreateStoreAsync();
        await store.RecordReaperRunAsync(TestData.At(0), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        var state = await store.RecordReaperRunAsync(TestData.At(30_001), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        Assert.Equal(TestData.At(30_001), state.LastRunAt);
        Assert.Equal(TestData.At(70_001), state.GraceUntil);
    }

    [Fact]
    public async Task RecordReaperRunAsync_GapWithinThreshold_GrantsNoGrace()
    {
        var store = await CreateStoreAsync();
        await store.RecordReaperRunAsync(TestData.At(0), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        var state = await store.RecordReaperRunAsync(TestData.At(30_000), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        Assert.Equal(TestData.At(30_000), state.LastRunAt);
        Assert.Null(state.GraceUntil);
    }

    [Fact]
    public async Task RecordReaperRunAsync_RunWithEarlierClock_KeepsLatestRun()
    {
        var store = await CreateStoreAsync();
        await store.RecordReaperRunAsync(TestData.At(10_000), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        var state = await store.RecordReaperRunAsync(TestData.At(5_000), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), Ct);

        Assert.Equal(TestData.At(10_000), state.LastRunAt);
        Assert.Null(state.GraceUntil);
    }

    // Admin audit chain

    [Fact]
    public async Task GetAuditHeadAsync_EmptyStore_ReturnsEmptyHead()
    {
        var store = await CreateStoreAsync();

        Assert.Equal(AuditHead.Empty, await store.GetAuditHeadAsync(Ct));
        Assert.Empty(await store.ListAuditAsync(0, 100, null, Ct));
    }

    [Fact]
    public async Task AppendAuditAsync_SeveralEntries_ChainsSequencesHashesAndHead()
    {
        var store = await CreateStoreAsync();
        // Empty and padded details must come back exactly, or the stored hashes no longer match.
        var details = new[] { "", "  padded  ", "{\"name\":\"acme\"}", "ünïcödé", "last" };
        var tenant = await AddTenantAsync(store, "acme");

        var appended = new List<AuditEvent>();
        for (var i = 0; i < details.Length; i++)
        {
            appended.Add(await store.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(i), i % 2 == 0 ? null : tenant, details[i]), Ct));
        }

        Assert.Equal([1L, 2, 3, 4, 5], appended.Select(e => e.Sequence));
        Assert.Equal(AuditHead.GenesisHash, appended[0].PreviousHash);
        for (var i = 1; i < appended.Count; i++)
        {
            Assert.Equal(appended[i - 1].Hash, appended[i].PreviousHash);
        }

        Assert.All(appended, e => Assert.Equal(AuditChain.ComputeHash(e), e.Hash));
        Assert.Equal(new AuditHead(5, appended[^1].Hash), await store.GetAuditHeadAsync(Ct));
        var listed = await store.ListAuditAsync(0, 100, null, Ct);
        Assert.Equal(appended.Select(e => e.Hash), listed.Select(e => e.Hash));
        Assert.Equal(details, listed.Select(e => e.Detail));
        Assert.Equal(TestData.At(3), listed[3].Time);
        Assert.Equal(tenant, listed[3].TenantId);
        Assert.Null(listed[4].TenantId);
        var verification = await VerifyStoredChainAsync(store);
        Assert.True(verification.Ok, verification.Problem);
        Assert.Equal(5, verification.Count);
    }

    [Fact]
    public async Task ListAuditAsync_AfterSequenceAndLimit_ReturnsThatWindowAscending()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 6; i++)
        {
            await store.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(i), null), Ct);
        }

        var window = await store.ListAuditAsync(2, 3, null, Ct);

        Assert.Equal([3L, 4, 5], window.Select(e => e.Sequence));
        Assert.Empty(await store.ListAuditAsync(6, 10, null, Ct));
    }

    [Fact]
    public async Task ListAuditAsync_TenantFilter_ReturnsOnlyThatTenantsEvents()
    {
        var store = await CreateStoreAsync();
        var tenantA = await AddTenantAsync(store, "a");
        var tenantB = await AddTenantAsync(store, "b");
        string?[] tenants = [null, tenantA, tenantB, tenantA, null];
        foreach (var (tenant, i) in tenants.Select((t, i) => (t, i)))
        {
            await store.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(i), tenant), Ct);
        }

        var ofA = await store.ListAuditAsync(0, 100, tenantA, Ct);
        var ofAAfterTwo = await store.ListAuditAsync(2, 100, tenantA, Ct);

        Assert.Equal([2L, 4], ofA.Select(e => e.Sequence));
        Assert.Equal([4L], ofAAfterTwo.Select(e => e.Sequence));
    }

    [Fact]
    public async Task AppendAuditAsync_FiftyConcurrentAppendsInTenRounds_FormOneUnbrokenChain()
    {
        var store = await CreateStoreAsync();
        var appended = new List<AuditEvent>();
        for (var round = 0; round < 10; round++)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var appends = Enumerable.Range(0, 50)
                .Select(i => Task.Run(async () =>
                {
                    await gate.Task;
                    return await store.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(round * 100 + i), null, $"concurrent {round}.{i}"), Ct);
                }))
                .ToList();

            gate.SetResult();
            appended.AddRange(await Task.WhenAll(appends));
        }

        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), appended.Select(e => e.Sequence).Order());
        Assert.Equal(500, (await store.GetAuditHeadAsync(Ct)).Count);
        var verification = await VerifyStoredChainAsync(store);
        Assert.True(verification.Ok, verification.Problem);
        Assert.Equal(500, verification.Count);
    }

    [Fact]
    public async Task VerifyAsync_EditedRow_ReportsThatRow()
    {
        var verification = await TamperAndVerifyAsync(new AuditTamper(AuditTamperKind.EditRow, 3));

        Assert.False(verification.Ok);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(2, verification.Count);
    }

    [Fact]
    public async Task VerifyAsync_DeletedRow_ReportsThatRow()
    {
        var verification = await TamperAndVerifyAsync(new AuditTamper(AuditTamperKind.DeleteRow, 3));

        Assert.False(verification.Ok);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(2, verification.Count);
    }

    [Fact]
    public async Task VerifyAsync_SwappedRows_ReportsTheFirstOfThem()
    {
        var verification = await TamperAndVerifyAsync(new AuditTamper(AuditTamperKind.SwapWithNext, 3));

        Assert.False(verification.Ok);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(2, verification.Count);
    }

    [Fact]
    public async Task VerifyAsync_CutTailWithStoredHead_ReportsFirstMissingRow()
    {
        var verification = await TamperAndVerifyAsync(new AuditTamper(AuditTamperKind.CutTailFrom, 4));

        Assert.False(verification.Ok);
        Assert.Equal(4, verification.FirstBrokenSequence);
        Assert.Equal(3, verification.Count);
    }

    // Helpers

    private static LeaseRenewRequest Renew(
        string agentId, string holder, bool acquire, DateTimeOffset now, int durationSeconds = 40,
        string? version = null, IReadOnlyList<Capability>? capabilities = null) =>
        new(agentId, holder, acquire, durationSeconds, now, version, capabilities);

    private static async Task<string> AddTenantAsync(IControlPlaneStore store, string name)
    {
        var tenant = TestData.NewTenant(name);
        await store.CreateTenantAsync(tenant, Ct);
        return tenant.Id;
    }

    /// <summary>Creates a token for <paramref name="tenantId"/> and registers one agent with it.</summary>
    private static async Task<NewAgentRegistration> RegisterAsync(IControlPlaneStore store, string? tenantId, DateTimeOffset now)
    {
        var token = TestData.NewToken(tenantId, now.AddMinutes(-1));
        await store.CreateBootstrapTokenAsync(token, Ct);
        var registration = TestData.NewRegistration(token, now);
        Assert.True(await store.RegisterAgentAsync(registration, Ct));
        return registration;
    }

    /// <summary>Starts <paramref name="count"/> registrations on one token at once; returns how many succeeded.</summary>
    private static async Task<int> RegisterConcurrentlyAsync(IControlPlaneStore store, BootstrapToken token, int count, DateTimeOffset now)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, count)
            .Select(_ => TestData.NewRegistration(token, now))
            .Select(registration => Task.Run(async () =>
            {
                await gate.Task;
                return await store.RegisterAgentAsync(registration, Ct);
            }))
            .ToList();
        gate.SetResult();
        var results = await Task.WhenAll(attempts);
        return results.Count(succeeded => succeeded);
    }

    private static async Task AssertRefusedAndNothingWrittenAsync(IControlPlaneStore store, NewAgentRegistration registration)
    {
        var agentsBefore = (await AllAgentsAsync(store)).Count;
        var attemptsBefore = (await AllAttemptsAsync(store)).Count;
        var usedBefore = (await store.GetBootstrapTokenAsync(registration.Agent.BootstrapTokenId, Ct))?.UsedCount;

        Assert.False(await store.RegisterAgentAsync(registration, Ct));

        Assert.Equal(agentsBefore, (await AllAgentsAsync(store)).Count);
        Assert.Equal(attemptsBefore, (await AllAttemptsAsync(store)).Count);
        Assert.Equal(usedBefore, (await store.GetBootstrapTokenAsync(registration.Agent.BootstrapTokenId, Ct))?.UsedCount);
        Assert.Null(await store.GetAgentAsync(registration.Agent.Id, Ct));
        Assert.Null(await store.GetAgentKeyAsync(registration.Key.Id, Ct));
    }

    private static Task<IReadOnlyList<AgentWithLease>> AllAgentsAsync(IControlPlaneStore store) =>
        store.ListAgentsAsync(null, PageRequest.First(PageRequest.MaxLimit), Ct);

    private static Task<IReadOnlyList<RegistrationAttempt>> AllAttemptsAsync(IControlPlaneStore store) =>
        store.ListRegistrationAttemptsAsync(null, PageRequest.First(PageRequest.MaxLimit), Ct);

    /// <summary>Follows the keyset cursor from the first page until an empty page.</summary>
    private static async Task<List<IReadOnlyList<T>>> PageThroughAsync<T>(
        Func<PageRequest, Task<IReadOnlyList<T>>> list, Func<T, PageCursor> cursorOf, int pageSize)
    {
        var pages = new List<IReadOnlyList<T>>();
        PageCursor? after = null;
        while (true)
        {
            var page = await list(new PageRequest(pageSize, after));
            Assert.True(page.Count <= pageSize, $"a page of {page.Count} items exceeds the limit {pageSize}");
            if (page.Count == 0)
            {
                return pages;
            }

            Assert.True(pages.Count < 100, "paging does not end");
            pages.Add(page);
            after = cursorOf(page[^1]);
        }
    }

    private static IEnumerable<string> ExpectedOrder<T>(IEnumerable<T> items, Func<T, DateTimeOffset> time, Func<T, string> id) =>
        items.OrderBy(time).ThenBy(id, StringComparer.Ordinal).Select(id);

    private static void AssertSameLease(Lease expected, Lease actual)
    {
        Assert.Equal(expected.HolderIdentity, actual.HolderIdentity);
        Assert.Equal(expected.Held, actual.Held);
        Assert.Equal(expected.LeaseDurationSeconds, actual.LeaseDurationSeconds);
        Assert.Equal(expected.AcquireTime, actual.AcquireTime);
        Assert.Equal(expected.RenewTime, actual.RenewTime);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.LeaseTransitions, actual.LeaseTransitions);
    }

    private async Task<AuditVerification> TamperAndVerifyAsync(AuditTamper tamper)
    {
        var store = await CreateStoreAsync();
        var tenant = await AddTenantAsync(store, "acme");
        for (var i = 0; i < 6; i++)
        {
            await store.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(i), i % 2 == 0 ? null : tenant, $"event {i}"), Ct);
        }

        var before = await VerifyStoredChainAsync(store);
        Assert.True(before.Ok, before.Problem);

        await TamperWithAuditAsync(store, tamper);
        return await VerifyStoredChainAsync(store);
    }

    /// <summary>Verifies every stored row against the stored head, as <c>secplat audit verify</c> does.</summary>
    private static async Task<AuditVerification> VerifyStoredChainAsync(IControlPlaneStore store)
    {
        // The head first: rows appended after it was read can only extend the chain.
        var head = await store.GetAuditHeadAsync(Ct);
        return await AuditChain.VerifyAsync(ReadAllAuditAsync(store, Ct), head, Ct);
    }

    private static async IAsyncEnumerable<AuditEvent> ReadAllAuditAsync(IControlPlaneStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var page = await store.ListAuditAsync(after, 2, null, cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var e in page)
            {
                yield return e;
            }

            after = page[^1].Sequence;
        }
    }
}
