using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Verifies agent keys (SHA-256, cheap) on every call. The agent, its lease, revocation and deregistration are read
/// from the store each time, so they take effect at once on every replica; the embedded LiteDB store, the only writer
/// of its file, keeps key documents in memory and empties them on every key write. A completion or a renewal may
/// check the key inside its own statement instead (docs/adr/0003).
/// </summary>
public sealed class AgentAuthenticator(IControlPlaneStore store, TimeProvider time)
{
    private const string Refused = "the agent key was refused";

    /// <summary>The agent behind the key (possibly revoked: the caller decides what a revoked agent may still hear).</summary>
    public async Task<(AgentWithLease Agent, string KeyId)> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken)
    {
        if (!SecretToken.TryParse(presentedKey, SecretKind.AgentKey, out var key))
        {
            throw new DomainException(ErrorKind.Unauthenticated, "a valid agent key (spak_...) is required in the authorization header");
        }

        AgentKeyLookup? found;
        // The key says whose agent this is, so it is looked up before any tenant is known: the platform context.
        using (TenantContext.Enter(TenantContext.Platform))
        {
            found = await store.GetAgentByKeyAsync(key.Id, cancellationToken);
        }

        if (found is not { Key: var stored, Agent: var agent }
            || !SecretHash.Matches(key.Secret, stored.SecretHash) || stored.ExpiresAt <= time.GetUtcNow())
        {
            throw new DomainException(ErrorKind.Unauthenticated, Refused);
        }

        // The rest of the call: the agent's tenant, or every tenant for a platform agent (it serves them all).
        Accepted(agent.Agent);
        return (agent, stored.Id);
    }

    /// <summary>
    /// The presented key for a store to check inside the statement that does the call's work (see docs/adr/0003), or
    /// null when it is not a well-formed agent key. Nothing is cached: that statement reads the key, the agent and the
    /// command as they are, so expiry, revocation and deregistration hold there as they do here.
    /// </summary>
    public AgentKeyProof? Proof(string? presentedKey) =>
        SecretToken.TryParse(presentedKey, SecretKind.AgentKey, out var key)
            ? new AgentKeyProof(key.Id, SecretHash.Sha256Hex(key.Secret), time.GetUtcNow())
            : null;

    /// <summary>After a store accepted a <see cref="Proof"/>: the rest of the call in the agent's context, as after <see cref="AuthenticateAsync"/>.</summary>
    public static void Accepted(Agent agent) => TenantContext.Use(TenantContext.ForCaller(agent.TenantId));

    /// <summary>Like <see cref="AuthenticateAsync"/>, but a revoked agent is refused too.</summary>
    public async Task<(AgentWithLease Agent, string KeyId)> AuthenticateActiveAsync(string? presentedKey, CancellationToken cancellationToken)
    {
        var result = await AuthenticateAsync(presentedKey, cancellationToken);
        if (result.Agent.Agent.RevokedAt is not null)
        {
            throw new DomainException(ErrorKind.Unauthenticated, "this agent was revoked");
        }

        return result;
    }
}
