using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The one storage contract of the control plane. Providers: LiteDB (embedded default) and PostgreSQL.
/// Both pass the same conformance suite. Times come from the caller (its TimeProvider); every
/// multi-row change is atomic: it happens whole or not at all. Lists are ordered by (created, id).
/// The command queue part is <see cref="ICommandQueueStore"/>, findings <see cref="IFindingStore"/>, assets
/// <see cref="IAssetStore"/>.
/// </summary>
public interface IControlPlaneStore : ICommandQueueStore, IFindingStore, IAssetStore, IAssetGroupStore, IVulnerabilityStore, IScanStore, IComponentStore
{
    // Tenants
    /// <exception cref="StoreConflictException">The name is taken.</exception>
    Task CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken);
    Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken);
    Task<Tenant?> FindTenantByNameAsync(string name, CancellationToken cancellationToken);
    /// <param name="onlyTenantId">When set, the list holds at most that tenant.</param>
    Task<IReadOnlyList<Tenant>> ListTenantsAsync(string? onlyTenantId, PageRequest page, CancellationToken cancellationToken);

    // Admin users
    Task CreateAdminAsync(AdminUser admin, CancellationToken cancellationToken);
    Task<AdminUser?> GetAdminAsync(string id, CancellationToken cancellationToken);
    Task<bool> AnyAdminAsync(CancellationToken cancellationToken);
    /// <param name="tenantId">When set, only admins bound to that tenant.</param>
    Task<IReadOnlyList<AdminUser>> ListAdminsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken);
    Task<AdminUser?> UpdateAdminKeyAsync(string id, string keyHash, DateTimeOffset rotatedAt, CancellationToken cancellationToken);
    Task<AdminUser?> RevokeAdminAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken);

    // Bootstrap tokens
    Task CreateBootstrapTokenAsync(BootstrapToken token, CancellationToken cancellationToken);
    Task<BootstrapToken?> GetBootstrapTokenAsync(string id, CancellationToken cancellationToken);
    /// <param name="tenantId">When set, only that tenant's tokens (platform tokens excluded).</param>
    Task<IReadOnlyList<BootstrapToken>> ListBootstrapTokensAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken);
    /// <summary>Revokes (idempotent: an earlier revocation time is kept); null when unknown.</summary>
    Task<BootstrapToken?> RevokeBootstrapTokenAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken);

    // Registration
    /// <summary>
    /// Consumes one use of the token if it is usable at <see cref="NewAgentRegistration.Now"/> (not revoked,
    /// not expired, uses left) and, in the same transaction, writes the agent, key, lease and attempt.
    /// Of N concurrent calls on a token with one use left exactly one returns true. False: nothing written.
    /// </summary>
    Task<bool> RegisterAgentAsync(NewAgentRegistration registration, CancellationToken cancellationToken);
    Task RecordRegistrationAttemptAsync(RegistrationAttempt attempt, CancellationToken cancellationToken);
    /// <summary>Ordered by (time, id).</summary>
    Task<IReadOnlyList<RegistrationAttempt>> ListRegistrationAttemptsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken);

    // Agents
    /// <summary>Null when unknown or deregistered.</summary>
    Task<AgentWithLease?> GetAgentAsync(string id, CancellationToken cancellationToken);
    /// <param name="tenantId">When set, only that tenant's agents (platform agents excluded). Deregistered agents never appear.</param>
    Task<IReadOnlyList<AgentWithLease>> ListAgentsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken);
    /// <summary>Cordon, uncordon, drain or revoke (revoke also ends the lease). Null when unknown.</summary>
    Task<AgentWithLease?> ApplyAgentActionAsync(string id, AgentAction action, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>Marks the agent deregistered, ends its lease and deletes its keys. False when unknown.</summary>
    Task<bool> DeregisterAgentAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
    Task<AgentKey?> GetAgentKeyAsync(string keyId, CancellationToken cancellationToken);
    /// <summary>
    /// The key with its agent and lease, in one read (every agent call authenticates); null when the key is unknown
    /// or its agent is deregistered. Expiry and the secret are the caller's to check.
    /// </summary>
    Task<AgentKeyLookup?> GetAgentByKeyAsync(string keyId, CancellationToken cancellationToken);
    /// <summary>Adds <paramref name="newKey"/> and makes every other key of the agent expire at <paramref name="previousKeysExpireAt"/> at the latest.</summary>
    Task RotateAgentKeyAsync(AgentKey newKey, DateTimeOffset previousKeysExpireAt, CancellationToken cancellationToken);

    // Leases
    Task<LeaseRenewal> RenewLeaseAsync(LeaseRenewRequest request, CancellationToken cancellationToken);
    /// <summary>
    /// The holder's plain renewal (not an acquire, same version and capabilities) with the caller's authentication in
    /// the same step (docs/adr/0003): applied only when the key exists, its secret hash matches, it has not expired at
    /// <see cref="AgentKeyProof.Now"/>, its agent is neither revoked nor deregistered and <see cref="LeaseRenewRequest.HolderIdentity"/>
    /// holds its lease; it then changes the lease as <see cref="RenewLeaseAsync"/> would. The key names the agent (the
    /// request's agent id is not used). The renewal, or null when anything else holds or the store has no such step:
    /// the caller then authenticates and renews the usual way, which gives the answer.
    /// </summary>
    Task<LeaseRenewal?> TryRenewLeaseWithKeyAsync(AgentKeyProof key, LeaseRenewRequest request, CancellationToken cancellationToken);
    /// <summary>Ends the lease if <paramref name="holderIdentity"/> holds it; false otherwise.</summary>
    Task<bool> ReleaseLeaseAsync(string agentId, string holderIdentity, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>
    /// Records a reaper run at <paramref name="now"/>. When the previous run (by any replica) is older than
    /// <paramref name="gapThreshold"/>, nobody served renewals for a while: grace is set to now + <paramref name="grace"/>.
    /// Returns the state after this run.
    /// </summary>
    Task<ReaperState> RecordReaperRunAsync(DateTimeOffset now, TimeSpan gapThreshold, TimeSpan grace, CancellationToken cancellationToken);
    /// <summary>Ends every held lease whose expiry is before <paramref name="now"/>; returns those agent ids. Safe to run concurrently.</summary>
    Task<IReadOnlyList<string>> ExpireLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    // Admin audit chain
    /// <summary>Appends one event, chained to the current head; appends are serialized across replicas.</summary>
    Task<AuditEvent> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken);
    /// <summary>Events with sequence &gt; <paramref name="afterSequence"/>, ascending.</summary>
    Task<IReadOnlyList<AuditEvent>> ListAuditAsync(long afterSequence, int limit, string? tenantId, CancellationToken cancellationToken);
    Task<AuditHead> GetAuditHeadAsync(CancellationToken cancellationToken);
}
