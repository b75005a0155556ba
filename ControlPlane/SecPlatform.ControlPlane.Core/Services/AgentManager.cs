using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The admin's view of agents: list, get, cordon, uncordon, drain, revoke; and the registrations trail.</summary>
public sealed class AgentManager(IControlPlaneStore store, TenantManager tenants, AuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<AgentWithLease>> ListAsync(AdminPrincipal caller, string? tenant, PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        return await store.ListAgentsAsync(tenantId, page, cancellationToken);
    }

    public async Task<AgentWithLease> GetAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var agentId = Validate.Id("id", id);
        var agent = await store.GetAgentAsync(agentId, cancellationToken);
        if (agent is null || !caller.CanSee(agent.Agent.TenantId))
        {
            throw DomainException.NotFound("agent", agentId);
        }

        return agent;
    }

    public async Task<AgentWithLease> ApplyAsync(AdminPrincipal caller, string? id, AgentAction action, CancellationToken cancellationToken)
    {
        var verb = action.ToString().ToLowerInvariant();
        Permissions.RequireWrite(caller, $"{verb} agents");
        var agent = await GetAsync(caller, id, cancellationToken);
        var updated = await store.ApplyAgentActionAsync(agent.Agent.Id, action, time.GetUtcNow(), cancellationToken)
            ?? throw DomainException.NotFound("agent", agent.Agent.Id);
        await audit.RecordAsync(caller, $"agent.{verb}", "agent", agent.Agent.Id, agent.Agent.TenantId, AuditLog.Succeeded, "", cancellationToken);
        return updated;
    }

    public Task<IReadOnlyList<RegistrationAttempt>> ListRegistrationsAsync(AdminPrincipal caller, PageRequest page, CancellationToken cancellationToken) =>
        store.ListRegistrationAttemptsAsync(caller.TenantId, page, cancellationToken);
}
