using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.ControlPlane.Tests.Infrastructure;

/// <summary>Small builders for API tests.</summary>
public static class ApiTestData
{
    public static async Task<Tenant> CreateTenantAsync(this TestControlPlane cp, string? name = null) =>
        await cp.Tenants().CreateTenantAsync(new CreateTenantRequest { Name = name ?? $"t-{Guid.NewGuid():N}"[..20] });

    public static async Task<CreateBootstrapTokenResponse> CreateTokenAsync(this TestControlPlane cp, string tenant, int maxUses = 1,
        string? adminKey = null, params string[] cidrs)
    {
        var request = new CreateBootstrapTokenRequest { Tenant = tenant, MaxUses = maxUses };
        request.Cidrs.Add(cidrs);
        return await cp.Tokens(adminKey).CreateBootstrapTokenAsync(request);
    }

    public static RegisterRequest Registration(string token, string name = "agent-1") => new()
    {
        BootstrapToken = token,
        Name = name,
        Hostname = $"{name}.example.test",
        Os = "linux",
        Arch = "x64",
        Version = "0.1.0",
        Capabilities = { new Capability { Scanner = "shellcheck", Version = "0.9.0" } },
    };

    /// <summary>A tenant, a token and a registered agent with its first lease acquired.</summary>
    public static async Task<(Tenant Tenant, RegisterResponse Agent)> RegisterAgentAsync(this TestControlPlane cp, string? tenantName = null)
    {
        var tenant = await cp.CreateTenantAsync(tenantName);
        var token = await cp.CreateTokenAsync(tenant.Name);
        var agent = await cp.Gateway().RegisterAsync(Registration(token.Secret));
        return (tenant, agent);
    }
}
