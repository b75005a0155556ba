using System.Globalization;
using LiteDB;
using SecPlatform.ControlPlane.Core.Audit;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb.Documents;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>
/// The embedded store: one LiteDB file, used by one process. Every write runs under one lock and in
/// one LiteDB transaction, so each contract method is atomic and a check-then-write (a token use,
/// a lease take-over, an audit append) cannot interleave with another. Reads take no lock: each
/// reads a single document or collection, and LiteDB shows them only committed data.
/// </summary>
public sealed partial class LiteDbControlPlaneStore : IControlPlaneStore, IDisposable
{
    public const string DefaultFileName = "controlplane.db";

    private const string SortField = "$." + SortKey.Field;

    // The unique (tenant, name) key of tenant-named documents (asset groups, scan profiles).
    private const string TenantNameField = "tenant_name";

    private readonly LiteDatabase _db;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // Agent keys by id as last read, for the authentication of every agent call (see GetAgentByKeyAsync). A key
    // changes only through this store (one process owns the file): each write that changes or deletes keys empties
    // the cache after its commit and moves the generation, so a read that raced it cannot put its old copy back.
    private readonly Dictionary<string, AgentKeyDocument> _keyCache = new(StringComparer.Ordinal);
    private readonly Lock _keyCacheLock = new();
    private long _keyGeneration;
    private readonly ILiteCollection<TenantDocument> _tenants;
    private readonly ILiteCollection<AdminDocument> _admins;
    private readonly ILiteCollection<BootstrapTokenDocument> _tokens;
    private readonly ILiteCollection<AgentDocument> _agents;
    private readonly ILiteCollection<AgentKeyDocument> _keys;
    private readonly ILiteCollection<RegistrationAttemptDocument> _attempts;
    private readonly ILiteCollection<AuditEventDocument> _audit;
    private readonly ILiteCollection<AuditHeadDocument> _auditHead;
    private readonly ILiteCollection<ReaperStateDocument> _reaper;
    private readonly ILiteCollection<CommandDocument> _commands;
    private readonly ILiteCollection<TenantQueueStateDocument> _queueState;
    private readonly ILiteCollection<FindingDocument> _findings;
    private readonly ILiteCollection<ObservationDocument> _observations;
    private readonly ILiteCollection<FindingStatusChangeDocument> _statusHistory;
    private readonly ILiteCollection<AssetDocument> _assets;
    private readonly ILiteCollection<AssetKindDocument> _assetKinds;
    private readonly ILiteCollection<AssetGroupDocument> _assetGroups;
    private readonly ILiteCollection<AssetGroupMemberDocument> _groupMembers;
    private readonly ILiteCollection<VulnerabilityDocument> _vulnerabilities;
    private readonly ILiteCollection<FindingVulnerabilityDocument> _findingVulnerabilities;
    private int _disposed;

    /// <param name="filePath">The database file; its directory must exist. A new file is created readable by its owner only.</param>
    public LiteDbControlPlaneStore(string filePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        var fullPath = Path.GetFullPath(filePath);
        if (!OperatingSystem.IsWindows())
        {
            // The file holds token and key hashes and the audit chain: owner only. LiteDB would create
            // both files with the process umask, so create them first; existing files keep their mode.
            CreateOwnerOnlyFile(fullPath);
            CreateOwnerOnlyFile(LogFileOf(fullPath));
        }

        var connection = new ConnectionString
        {
            Filename = fullPath,
            Connection = ConnectionType.Direct,
            // Ordinal: names and ids compare byte for byte (case matters), as in PostgreSQL.
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        };
        _db = new LiteDatabase(connection, LiteDbMapper.Create());
        _tenants = _db.GetCollection<TenantDocument>(LiteDbCollections.Tenants);
        _admins = _db.GetCollection<AdminDocument>(LiteDbCollections.Admins);
        _tokens = _db.GetCollection<BootstrapTokenDocument>(LiteDbCollections.BootstrapTokens);
        _agents = _db.GetCollection<AgentDocument>(LiteDbCollections.Agents);
        _keys = _db.GetCollection<AgentKeyDocument>(LiteDbCollections.AgentKeys);
        _attempts = _db.GetCollection<RegistrationAttemptDocument>(LiteDbCollections.RegistrationAttempts);
        _audit = _db.GetCollection<AuditEventDocument>(LiteDbCollections.AuditEvents);
        _auditHead = _db.GetCollection<AuditHeadDocument>(LiteDbCollections.AuditHead);
        _reaper = _db.GetCollection<ReaperStateDocument>(LiteDbCollections.ReaperState);
        _commands = _db.GetCollection<CommandDocument>(LiteDbCollections.Commands);
        _queueState = _db.GetCollection<TenantQueueStateDocument>(LiteDbCollections.TenantQueueState);
        _findings = _db.GetCollection<FindingDocument>(LiteDbCollections.Findings);
        _observations = _db.GetCollection<ObservationDocument>(LiteDbCollections.Observations);
        _statusHistory = _db.GetCollection<FindingStatusChangeDocument>(LiteDbCollections.FindingStatusHistory, BsonAutoId.Int64);
        _assets = _db.GetCollection<AssetDocument>(LiteDbCollections.Assets);
        _assetKinds = _db.GetCollection<AssetKindDocument>(LiteDbCollections.AssetKinds);
        _assetGroups = _db.GetCollection<AssetGroupDocument>(LiteDbCollections.AssetGroups);
        _groupMembers = _db.GetCollection<AssetGroupMemberDocument>(LiteDbCollections.AssetGroupMembers);
        _vulnerabilities = _db.GetCollection<VulnerabilityDocument>(LiteDbCollections.Vulnerabilities);
        _findingVulnerabilities = _db.GetCollection<FindingVulnerabilityDocument>(LiteDbCollections.FindingVulnerabilities);
        EnsureIndexes();
        SeedAssetKinds();
    }

    /// <summary>The raw database, for tests that damage rows behind the store's back.</summary>
    internal LiteDatabase Database => _db;

    // Tenants

    public Task CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            // Checked under the write lock; the unique index is the second wall.
            if (_tenants.Exists(Equal("name", tenant.Name)))
            {
                throw new StoreConflictException($"A tenant named '{tenant.Name}' exists already.");
            }

            Insert(_tenants, TenantDocument.From(tenant), "tenant");
        }, cancellationToken);

    public Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _tenants.FindById(id)?.ToDomain(), cancellationToken);

    public Task<Tenant?> FindTenantByNameAsync(string name, CancellationToken cancellationToken) =>
        Read(() => _tenants.FindOne(Equal("name", name))?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<Tenant>> ListTenantsAsync(string? onlyTenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read(() => Page(_tenants, page, t => t.ToDomain(), onlyTenantId is null ? null : Equal("_id", onlyTenantId)), cancellationToken);

    // Admin users

    public Task CreateAdminAsync(AdminUser admin, CancellationToken cancellationToken) =>
        WriteAsync(() => Insert(_admins, AdminDocument.From(admin), "admin"), cancellationToken);

    public Task<AdminUser?> GetAdminAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _admins.FindById(id)?.ToDomain(), cancellationToken);

    public Task<bool> AnyAdminAsync(CancellationToken cancellationToken) =>
        Read(() => _admins.Exists(Query.All()), cancellationToken);

    public Task<IReadOnlyList<AdminUser>> ListAdminsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read(() => Page(_admins, page, a => a.ToDomain(), TenantFilter(tenantId)), cancellationToken);

    public Task<AdminUser?> UpdateAdminKeyAsync(string id, string keyHash, DateTimeOffset rotatedAt, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var admin = _admins.FindById(id);
            if (admin is null)
            {
                return null;
            }

            admin.KeyHash = keyHash;
            admin.KeyRotatedAt = rotatedAt;
            _admins.Update(admin);
            return admin.ToDomain();
        }, cancellationToken);

    public Task<AdminUser?> RevokeAdminAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var admin = _admins.FindById(id);
            if (admin is null)
            {
                return null;
            }

            admin.RevokedAt = Earliest(admin.RevokedAt, revokedAt);
            _admins.Update(admin);
            return admin.ToDomain();
        }, cancellationToken);

    // Bootstrap tokens

    public Task CreateBootstrapTokenAsync(BootstrapToken token, CancellationToken cancellationToken) =>
        WriteAsync(() => Insert(_tokens, BootstrapTokenDocument.From(token), "bootstrap token"), cancellationToken);

    public Task<BootstrapToken?> GetBootstrapTokenAsync(string id, CancellationToken cancellationToken) =>
        Read(() => _tokens.FindById(id)?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<BootstrapToken>> ListBootstrapTokensAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read(() => Page(_tokens, page, t => t.ToDomain(), TenantFilter(tenantId)), cancellationToken);

    public Task<BootstrapToken?> RevokeBootstrapTokenAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var token = _tokens.FindById(id);
            if (token is null)
            {
                return null;
            }

            token.RevokedAt = Earliest(token.RevokedAt, revokedAt);
            _tokens.Update(token);
            return token.ToDomain();
        }, cancellationToken);

    // Registration

    public Task<bool> RegisterAgentAsync(NewAgentRegistration registration, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            // The lock makes check-and-consume one step: of N concurrent calls only the uses left succeed.
            var token = _tokens.FindById(registration.Agent.BootstrapTokenId);
            if (token is null || !token.ToDomain().IsUsable(registration.Now))
            {
                return false;
            }

            token.UsedCount++;
            _tokens.Update(token);
            Insert(_agents, AgentDocument.From(registration.Agent, registration.Lease), "agent");
            Insert(_keys, AgentKeyDocument.From(registration.Key), "agent key");
            Insert(_attempts, RegistrationAttemptDocument.From(registration.Attempt), "registration attempt");
            return true;
        }, cancellationToken);

    public Task RecordRegistrationAttemptAsync(RegistrationAttempt attempt, CancellationToken cancellationToken) =>
        WriteAsync(() => Insert(_attempts, RegistrationAttemptDocument.From(attempt), "registration attempt"), cancellationToken);

    public Task<IReadOnlyList<RegistrationAttempt>> ListRegistrationAttemptsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read(() => Page(_attempts, page, a => a.ToDomain(), TenantFilter(tenantId)), cancellationToken);

    // Agents

    public Task<AgentWithLease?> GetAgentAsync(string id, CancellationToken cancellationToken) =>
        Read(() => FindLiveAgent(id)?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<AgentWithLease>> ListAgentsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken) =>
        Read(() => Page(_agents, page, a => a.ToDomain(), BsonExpression.Create("$.deregistered_at = null"), TenantFilter(tenantId)), cancellationToken);

    public Task<AgentWithLease?> ApplyAgentActionAsync(string id, AgentAction action, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var agent = FindLiveAgent(id);
            if (agent is null)
            {
                return null;
            }

            switch (action)
            {
                case AgentAction.Cordon:
                    agent.Cordoned = true;
                    break;
                case AgentAction.Uncordon:
                    agent.Cordoned = false;
                    agent.Draining = false;
                    break;
                case AgentAction.Drain:
                    agent.Draining = true;
                    break;
                case AgentAction.Revoke:
                    agent.RevokedAt = Earliest(agent.RevokedAt, now);
                    agent.Lease.Held = false;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown agent action.");
            }

            _agents.Update(agent);
            return agent.ToDomain();
        }, cancellationToken);

    public Task<bool> DeregisterAgentAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangingKeysAsync(() =>
        {
            var agent = FindLiveAgent(id);
            if (agent is null)
            {
                return false;
            }

            agent.DeregisteredAt = now;
            agent.Lease.Held = false;
            _agents.Update(agent);
            _keys.DeleteMany(Equal("agent_id", id));
            return true;
        }, cancellationToken);

    public Task<AgentKey?> GetAgentKeyAsync(string keyId, CancellationToken cancellationToken) =>
        Read(() => _keys.FindById(keyId)?.ToDomain(), cancellationToken);

    /// <summary>
    /// The key from the key cache (read from the file on a miss); the agent, with its lease, revocation and
    /// deregistration, always from the file: what the agent may do takes effect at once, and only the key's own
    /// document, which changes only through this store, is not read again on every call.
    /// </summary>
    public Task<AgentKeyLookup?> GetAgentByKeyAsync(string keyId, CancellationToken cancellationToken) =>
        Read(() => CachedKey(keyId) is { } key && FindLiveAgent(key.AgentId) is { } agent
            ? new AgentKeyLookup(key.ToDomain(), agent.ToDomain())
            : null, cancellationToken);

    public Task RotateAgentKeyAsync(AgentKey newKey, DateTimeOffset previousKeysExpireAt, CancellationToken cancellationToken) =>
        ChangingKeysAsync(() =>
        {
            foreach (var key in _keys.Find(Equal("agent_id", newKey.AgentId)).ToList())
            {
                var expiresAt = Earliest(key.ExpiresAt, previousKeysExpireAt);
                if (key.ExpiresAt != expiresAt)
                {
                    key.ExpiresAt = expiresAt;
                    _keys.Update(key);
                }
            }

            Insert(_keys, AgentKeyDocument.From(newKey), "agent key");
            return true;
        }, cancellationToken);

    // Leases

    // LiteDB is in process: there is no round trip to save, so the caller authenticates and renews the usual way.
    public Task<LeaseRenewal?> TryRenewLeaseWithKeyAsync(AgentKeyProof key, LeaseRenewRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<LeaseRenewal?>(null);

    public Task<LeaseRenewal> RenewLeaseAsync(LeaseRenewRequest request, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var agent = FindLiveAgent(request.AgentId);
            if (agent is null)
            {
                return new LeaseRenewal(LeaseRenewOutcome.NotFound, null);
            }

            var lease = agent.Lease;
            LeaseRenewOutcome outcome;
            if (lease.Held && lease.HolderIdentity == request.HolderIdentity)
            {
                outcome = LeaseRenewOutcome.Renewed;
            }
            else if (lease.HolderIdentity == request.HolderIdentity)
            {
                // The same process after a release or an expiry: it gets the lease back, no new transition.
                outcome = LeaseRenewOutcome.Acquired;
                lease.AcquireTime = request.Now;
            }
            else if (request.Acquire)
            {
                outcome = LeaseRenewOutcome.Acquired;
                if (lease.HolderIdentity is not null)
                {
                    lease.LeaseTransitions++;
                }

                lease.HolderIdentity = request.HolderIdentity;
                lease.AcquireTime = request.Now;
            }
            else
            {
                return new LeaseRenewal(LeaseRenewOutcome.Superseded, agent.ToDomain());
            }

            lease.Held = true;
            lease.LeaseDurationSeconds = request.LeaseDurationSeconds;
            lease.RenewTime = request.Now;
            lease.ExpiresAt = request.Now.AddSeconds(request.LeaseDurationSeconds);
            if (request.Version is not null)
            {
                agent.Version = request.Version;
            }

            if (request.Capabilities is not null)
            {
                agent.Capabilities = CapabilityDocument.FromDomain(request.Capabilities);
            }

            _agents.Update(agent);
            // The stop requests in the same transaction: one LiteDB transaction per renewal instead of two.
            return new LeaseRenewal(outcome, agent.ToDomain(),
                request.StopRequestsFinishedAfter is { } finishedAfter ? StopRequestsOf(agent.Id, finishedAfter) : null);
        }, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(string agentId, string holderIdentity, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var agent = FindLiveAgent(agentId);
            if (agent is null || !agent.Lease.Held || agent.Lease.HolderIdentity != holderIdentity)
            {
                return false;
            }

            agent.Lease.Held = false;
            _agents.Update(agent);
            return true;
        }, cancellationToken);

    public Task<ReaperState> RecordReaperRunAsync(DateTimeOffset now, TimeSpan gapThreshold, TimeSpan grace, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var state = _reaper.FindById(ReaperStateDocument.SingletonId) ?? new ReaperStateDocument();
            if (state.LastRunAt is { } lastRun && now - lastRun > gapThreshold)
            {
                state.GraceUntil = now + grace;
            }

            // A replica with a slightly slower clock must not move the last run back.
            state.LastRunAt = state.LastRunAt is { } previous && previous > now ? previous : now;
            _reaper.Upsert(state);
            return new ReaperState(state.LastRunAt, state.GraceUntil);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ExpireLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(() =>
        {
            var expired = _agents
                .Find(BsonExpression.Create("$.lease.held = true AND $.lease.expires_at < @0", new BsonValue(now.UtcTicks)))
                .OrderBy(a => a.Id, StringComparer.Ordinal)
                .ToList();
            foreach (var agent in expired)
            {
                agent.Lease.Held = false;
                _agents.Update(agent);
            }

            return expired.Select(a => a.Id).ToList();
        }, cancellationToken);

    // Admin audit chain

    public Task<AuditEvent> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            var head = _auditHead.FindById(AuditHeadDocument.SingletonId)
                ?? new AuditHeadDocument { Count = AuditHead.Empty.Count, Hash = AuditHead.Empty.Hash };
            var chained = AuditChain.Seal(entry, new AuditHead(head.Count, head.Hash));
            Insert(_audit, AuditEventDocument.From(chained), "audit event");
            head.Count = chained.Sequence;
            head.Hash = chained.Hash;
            _auditHead.Upsert(head);
            return chained;
        }, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> ListAuditAsync(long afterSequence, int limit, string? tenantId, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<AuditEvent>>(() =>
        {
            if (limit <= 0)
            {
                return [];
            }

            var query = _audit.Query().Where(BsonExpression.Create("$._id > @0", new BsonValue(afterSequence)));
            if (TenantFilter(tenantId) is { } tenant)
            {
                query = query.Where(tenant);
            }

            return query.OrderBy("$._id").Limit(limit).ToList().Select(e => e.ToDomain()).ToList();
        }, cancellationToken);

    public Task<AuditHead> GetAuditHeadAsync(CancellationToken cancellationToken) =>
        Read(() => _auditHead.FindById(AuditHeadDocument.SingletonId) is { } head
            ? new AuditHead(head.Count, head.Hash)
            : AuditHead.Empty, cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Let a write in flight finish its transaction before the file closes.
        _writeGate.Wait();
        _db.Dispose();
        _writeGate.Dispose();
    }

    private void EnsureIndexes()
    {
        _tenants.EnsureIndex("name", "$.name", unique: true);
        _tenants.EnsureIndex(SortKey.Field, SortField);
        _admins.EnsureIndex("tenant_id", "$.tenant_id");
        _admins.EnsureIndex(SortKey.Field, SortField);
        _tokens.EnsureIndex("tenant_id", "$.tenant_id");
        _tokens.EnsureIndex(SortKey.Field, SortField);
        _agents.EnsureIndex("tenant_id", "$.tenant_id");
        _agents.EnsureIndex(SortKey.Field, SortField);
        _agents.EnsureIndex("lease_expires_at", "$.lease.expires_at");
        _keys.EnsureIndex("agent_id", "$.agent_id");
        _attempts.EnsureIndex("tenant_id", "$.tenant_id");
        _attempts.EnsureIndex(SortKey.Field, SortField);
        // The audit sequence is the document id, indexed as the primary key.
        _audit.EnsureIndex("tenant_id", "$.tenant_id");
        EnsureQueueIndexes();
        EnsureFindingIndexes();
        EnsureAssetIndexes();
        EnsureGroupIndexes();
        EnsureVulnerabilityIndexes();
        EnsureScanIndexes();
        EnsureComponentIndexes();
    }

    private AgentKeyDocument? CachedKey(string keyId)
    {
        long generation;
        lock (_keyCacheLock)
        {
            if (_keyCache.TryGetValue(keyId, out var cached))
            {
                return cached;
            }

            generation = _keyGeneration;
        }

        var key = _keys.FindById(keyId);
        if (key is not null)
        {
            lock (_keyCacheLock)
            {
                // A key write committed since this read began: its copy may be older than the file, so it is not kept.
                if (generation == _keyGeneration)
                {
                    _keyCache[keyId] = key;
                }
            }
        }

        return key;
    }

    /// <summary>A write that changes or deletes agent keys: the key cache is emptied once it has committed (or failed).</summary>
    private async Task<T> ChangingKeysAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_keyCacheLock)
            {
                _keyGeneration++;
                _keyCache.Clear();
            }
        }
    }

    private AgentDocument? FindLiveAgent(string id) =>
        _agents.FindById(id) is { DeregisteredAt: null } agent ? agent : null;

    /// <summary>Runs <paramref name="work"/> alone and in one transaction: whole or not at all.</summary>
    private async Task<T> WriteAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // LiteDB binds a transaction to its thread: no await may happen between begin and commit.
            _db.BeginTrans();
            try
            {
                var result = work();
                _db.Commit();
                return result;
            }
            catch
            {
                _db.Rollback();
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Task WriteAsync(Action work, CancellationToken cancellationToken) =>
        WriteAsync(() =>
        {
            work();
            return true;
        }, cancellationToken);

    private Task<T> Read<T>(Func<T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Task.FromResult(read());
    }

    private static void Insert<T>(ILiteCollection<T> collection, T document, string what)
    {
        try
        {
            collection.Insert(document);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw new StoreConflictException($"The {what} conflicts with an existing one.", e);
        }
    }

    /// <summary>
    /// One keyset page in (time, id) order. Filters are applied one by one: LiteDB combines them with AND,
    /// whereas Query.And would drop their parameters.
    /// </summary>
    private static IReadOnlyList<TDomain> Page<TDocument, TDomain>(
        ILiteCollection<TDocument> collection, PageRequest page, Func<TDocument, TDomain> toDomain, params BsonExpression?[] filters)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        var query = collection.Query();
        foreach (var condition in filters)
        {
            if (condition is not null)
            {
                query = query.Where(condition);
            }
        }

        if (page.After is { } after)
        {
            query = query.Where(BsonExpression.Create(SortField + " > @0", new BsonValue(SortKey.Of(after.CreatedAt, after.Id))));
        }

        return query.OrderBy(SortField).Limit(limit).ToList().Select(toDomain).ToList();
    }

    private static BsonExpression Equal(string field, string value) =>
        BsonExpression.Create($"$.{field} = @0", new BsonValue(value));

    /// <summary>A tenant filter excludes platform rows (their tenant id is null).</summary>
    private static BsonExpression? TenantFilter(string? tenantId) =>
        tenantId is null ? null : Equal("tenant_id", tenantId);

    private static DateTimeOffset Earliest(DateTimeOffset? existing, DateTimeOffset candidate) =>
        existing is { } e && e <= candidate ? e : candidate;

    private static string LogFileOf(string dataFile) =>
        Path.Combine(
            Path.GetDirectoryName(dataFile) ?? "",
            Path.GetFileNameWithoutExtension(dataFile) + "-log" + Path.GetExtension(dataFile));

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnlyFile(string path)
    {
        // OpenOrCreate: the mode applies only when the file is new; an existing file is left as it is.
        using var _ = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }
}
