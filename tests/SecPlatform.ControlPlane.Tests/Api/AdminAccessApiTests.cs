using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>Roles, tenant binding and admin keys, through the real API.</summary>
public abstract class AdminAccessApiTests : ControlPlaneApiTests
{
    [Fact]
    public async Task TenantBoundAdmin_OtherTenantsResources_LookLikeMissingOnesAndStayUnchanged()
    {
        await using var cp = await StartAsync();
        var (tenantA, agentA) = await cp.RegisterAgentAsync("tenant-a");
        var (tenantB, agentB) = await cp.RegisterAgentAsync("tenant-b");
        var tokenB = await cp.CreateTokenAsync(tenantB.Name);
        var adminA = await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "ops-a", Role = AdminRole.OpsAdmin, Tenant = tenantA.Name });
        var keyA = adminA.ApiKey;

        // Lists hold only tenant A.
        Assert.Equal([tenantA.Id], (await cp.Tenants(keyA).ListTenantsAsync(new ListTenantsRequest())).Items.Select(t => t.Id));
        Assert.Equal([agentA.AgentId], (await cp.Agents(keyA).ListAgentsAsync(new ListAgentsRequest())).Items.Select(a => a.Id));
        Assert.DoesNotContain((await cp.Tokens(keyA).ListBootstrapTokensAsync(new ListBootstrapTokensRequest())).Items, t => t.TenantId == tenantB.Id);

        // Every call with one of B's ids answers exactly as for an id that does not exist.
        var missingId = "zzzzzzzzzzzz";
        var calls = new (string Name, Func<string, Task> Call)[]
        {
            ("get agent", id => cp.Agents(keyA).GetAgentAsync(new GetAgentRequest { Id = id }).ResponseAsync),
            ("cordon agent", id => cp.Agents(keyA).CordonAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
            ("drain agent", id => cp.Agents(keyA).DrainAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
            ("revoke agent", id => cp.Agents(keyA).RevokeAgentAsync(new AgentActionRequest { Id = id }).ResponseAsync),
        };
        foreach (var (name, call) in calls)
        {
            var foreign = await Assert.ThrowsAsync<RpcException>(() => call(agentB.AgentId));
            var missing = await Assert.ThrowsAsync<RpcException>(() => call(missingId));
            Assert.True(foreign.StatusCode == StatusCode.NotFound, $"{name}: {foreign.StatusCode}");
            Assert.True(missing.Status.Detail.Replace(missingId, "ID") == foreign.Status.Detail.Replace(agentB.AgentId, "ID"),
                $"{name}: '{foreign.Status.Detail}' differs from '{missing.Status.Detail}'");
        }

        var foreignToken = await Assert.ThrowsAsync<RpcException>(() => cp.Tokens(keyA).RevokeBootstrapTokenAsync(new RevokeBootstrapTokenRequest { Id = tokenB.Token.Id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, foreignToken.StatusCode);
        var foreignTenant = await Assert.ThrowsAsync<RpcException>(() => cp.Tenants(keyA).GetTenantAsync(new GetTenantRequest { Tenant = tenantB.Name }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, foreignTenant.StatusCode);
        var tokenForB = await Assert.ThrowsAsync<RpcException>(() => cp.CreateTokenAsync(tenantB.Name, adminKey: keyA));
        Assert.Equal(StatusCode.NotFound, tokenForB.StatusCode);

        // Nothing of B's changed.
        var b = await cp.Agents().GetAgentAsync(new GetAgentRequest { Id = agentB.AgentId });
        Assert.False(b.Cordoned || b.Draining || b.Revoked);
        var bToken = (await cp.Tokens().ListBootstrapTokensAsync(new ListBootstrapTokensRequest { Tenant = tenantB.Id })).Items.Single(t => t.Id == tokenB.Token.Id);
        Assert.Null(bToken.RevokedAt);
        await cp.Gateway(agentB.AgentKey).RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
    }

    [Fact]
    public async Task Roles_ReadonlyAndOpsAdmin_RefusedOutsideTheirRights()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var ro = (await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "viewer", Role = AdminRole.Readonly })).ApiKey;
        var ops = (await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "ops", Role = AdminRole.OpsAdmin })).ApiKey;

        Assert.NotEmpty((await cp.Tenants(ro).ListTenantsAsync(new ListTenantsRequest())).Items);
        await AssertDenied(() => cp.CreateTokenAsync(tenant.Name, adminKey: ro));
        await AssertDenied(() => cp.Tenants(ops).CreateTenantAsync(new CreateTenantRequest { Name = "nope" }).ResponseAsync);
        await AssertDenied(() => cp.Admins(ops).CreateAdminUserAsync(new CreateAdminUserRequest { Name = "x", Role = AdminRole.SuperAdmin }).ResponseAsync);
        var token = await cp.CreateTokenAsync(tenant.Name, adminKey: ops);
        Assert.Equal(tenant.Id, token.Token.TenantId);

        // Refusals are audited too.
        var audit = (await cp.Audit().ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 1000 })).Items;
        Assert.Contains(audit, e => e.Outcome == "denied" && e.Action == "CreateTenant");
    }

    [Fact]
    public async Task AdminKey_RevokedOrRotated_RefusedAtOnce()
    {
        await using var cp = await StartAsync();
        var created = await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "ops", Role = AdminRole.OpsAdmin });
        Assert.Equal("ops", (await cp.Admins(created.ApiKey).WhoAmIAsync(new WhoAmIRequest())).Name);

        var rotated = await cp.Admins(created.ApiKey).RotateAdminKeyAsync(new RotateAdminKeyRequest());
        await AssertUnauthenticated(() => cp.Admins(created.ApiKey).WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        Assert.Equal("ops", (await cp.Admins(rotated.ApiKey).WhoAmIAsync(new WhoAmIRequest())).Name);

        await cp.Admins().RevokeAdminUserAsync(new RevokeAdminUserRequest { AdminId = created.Admin.Id });
        await AssertUnauthenticated(() => cp.Admins(rotated.ApiKey).WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
    }

    [Fact]
    public async Task AdminKey_FloodOfWrongSecrets_ThrottledPerKeyIdWhileOthersWork()
    {
        await using var cp = await StartAsync("--Security:AdminKeyMaxFailures", "5");
        var other = await cp.Admins().CreateAdminUserAsync(new CreateAdminUserRequest { Name = "other", Role = AdminRole.Readonly });
        var victimId = cp.AdminKey.Split('_')[1];
        for (var i = 0; i < 5; i++)
        {
            await AssertUnauthenticated(() => cp.Admins($"spadm_{victimId}_{new string((char)('a' + i), 43)}").WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        }

        var throttled = await Assert.ThrowsAsync<RpcException>(() =>
            cp.Admins($"spadm_{victimId}_{new string('z', 43)}").WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);

        // The owner of the key id, who used it moments ago, is still served from the verdict cache without bcrypt;
        // other admins are not affected at all.
        Assert.Equal("initial-admin", (await cp.Admins().WhoAmIAsync(new WhoAmIRequest())).Name);
        Assert.Equal("other", (await cp.Admins(other.ApiKey).WhoAmIAsync(new WhoAmIRequest())).Name);

        // After the window the id is usable again.
        cp.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("initial-admin", (await cp.Admins().WhoAmIAsync(new WhoAmIRequest())).Name);
    }

    [Fact]
    public async Task AdminCalls_WithoutKey_Unauthenticated()
    {
        await using var cp = await StartAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            new TenantService.TenantServiceClient(cp.Invoker(null)).ListTenantsAsync(new ListTenantsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("spadm_", e.Status.Detail);
    }

    [Fact]
    public async Task CreateBootstrapToken_BadInput_InvalidArgumentAndNothingStored()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var bad = new[]
        {
            new CreateBootstrapTokenRequest { Tenant = tenant.Name, Platform = true },
            new CreateBootstrapTokenRequest(),
            new CreateBootstrapTokenRequest { Tenant = tenant.Name, TtlSeconds = 8 * 86400 },
            new CreateBootstrapTokenRequest { Tenant = tenant.Name, MaxUses = -1 },
            new CreateBootstrapTokenRequest { Tenant = tenant.Name, Cidrs = { "10.0.0.0/33" } },
            new CreateBootstrapTokenRequest { Tenant = tenant.Name, Labels = { ["BAD KEY"] = "v" } },
        };
        foreach (var request in bad)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => cp.Tokens().CreateBootstrapTokenAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        }

        var unknown = await Assert.ThrowsAsync<RpcException>(() => cp.CreateTokenAsync("no-such-tenant"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Empty((await cp.Tokens().ListBootstrapTokensAsync(new ListBootstrapTokensRequest())).Items);
    }

    [Fact]
    public async Task CreateTenant_DuplicateOrBadName_ClearErrors()
    {
        await using var cp = await StartAsync();
        await cp.CreateTenantAsync("acme");
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => cp.CreateTenantAsync("acme"));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(() => cp.CreateTenantAsync("Bad Name"));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Single((await cp.Tenants().ListTenantsAsync(new ListTenantsRequest())).Items);
    }

    private static async Task AssertDenied(Func<Task> call) =>
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);

    private static async Task AssertUnauthenticated(Func<Task> call) =>
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
}
