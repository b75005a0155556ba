using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SecPlatform.ControlPlane.Core.Audit;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Agents;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using SecPlatform.ControlPlane.Storage.Postgres.Findings;
using SecPlatform.ControlPlane.Storage.Postgres.Leases;
using SecPlatform.ControlPlane.Storage.Postgres.Queue;
using SecPlatform.ControlPlane.Storage.Postgres.Registration;
using SecPlatform.ControlPlane.Storage.Postgres.Scans;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres;

/// <summary>
/// The PostgreSQL provider of <see cref="IControlPlaneStore"/>, safe for several replicas on one database.
/// Lock order, wherever more than one row is locked: the agent's lease row, then the agent row, then its keys.
/// Single-row singletons (audit_head, reaper_state) are locked with FOR UPDATE to serialize replicas.
/// Lists are keyset pages: the row value (time, id) &gt; (after.time, after.id) is one range scan of an index
/// on (tenant_id, time, id) or (time, id). The command queue part lives in <see cref="PostgresCommandQueue"/>:
/// it locks command rows only, so it shares no lock order with the rest. Findings (<see cref="PostgresFindings"/>) lock
/// the command row of the ingest, then the tenant's finding rows in fingerprint order (ON CONFLICT DO UPDATE).
/// </summary>
public sealed partial class PostgresControlPlaneStore : IControlPlaneStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PooledDbContextFactory<ControlPlaneDbContext> _contexts;
    private readonly string _serviceRole;
    private readonly PostgresCommandQueue _queue;
    private readonly PostgresFindings _findings;
    private readonly PostgresFindingQueries _findingQueries;
    private readonly PostgresScans _scans;
    private readonly Components.PostgresComponents _components;
    private readonly RowSecurity _rls;

    /// <param name="connectionString">The service role's connection string (not the owner's).</param>
    /// <param name="fallbackContext">
    /// The row-level security context of calls that set none. The service passes none (such calls see no tenant's
    /// rows); tests of the store contract, which call the store without the API in front, pass the platform context.
    /// </param>
    public PostgresControlPlaneStore(string connectionString, TenantContext? fallbackContext = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // No logger factory: Npgsql logs every command at Information, a flood at one renew per agent every 10 s.
        // Failures still surface as exceptions to the caller, which logs them.
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        _serviceRole = builder.ConnectionStringBuilder.Username is { Length: > 0 } role ? role : "SERVICE_ROLE";
        // The store keeps no session state on a connection (the row-level security context is transaction-local,
        // staging tables are ON COMMIT DROP, the NOTIFY listener unlistens before it gives its connection back), so the
        // DISCARD ALL on every return to the pool is a wasted round trip; and it would drop the prepared statements.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // The hot statements (authentication, claim, renewal, completion) are prepared, as the raw baselines' are.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 128;
        }

        // Back-pressure: the pool (Max Pool Size) bounds the store work in flight, and a call that finds no free
        // connection within this short wait fails fast (the API answers UNAVAILABLE with a retry hint) instead of
        // queueing for Npgsql's default 15 s, after which nothing admitted completes in time.
        if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Timeout"))
        {
            builder.ConnectionStringBuilder.Timeout = 3;
        }

        _dataSource = builder.Build();
        _rls = new RowSecurity(fallbackContext);
        _contexts = new PooledDbContextFactory<ControlPlaneDbContext>(ControlPlaneDbContextOptions.Create(_dataSource, _rls));
        _queue = new PostgresCommandQueue(_contexts, _dataSource, _rls);
        _findings = new PostgresFindings(_contexts, _dataSource, _rls);
        _findingQueries = new PostgresFindingQueries(_contexts, _rls);
        _scans = new PostgresScans(_contexts, _rls);
        _components = new Components.PostgresComponents(_contexts, _dataSource, _rls);
    }

    /// <summary>
    /// Refuses to serve a database whose schema lags this build: migrations are applied by the
    /// <c>migrate</c> verb as the owner, never at service start.
    /// </summary>
    public async Task EnsureSchemaCurrentAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                "the database schema is not up to date: run `dotnet SecPlatform.ControlPlane.dll migrate --connection \"<the owner's connection string>\" " +
                $"--service-role {_serviceRole}`, then start the service again ({pending.Count} pending migration(s): {string.Join(", ", pending)})");
        }
    }

    // Tenants

    public async Task CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        db.Tenants.Add(ToEntity(tenant));
        await SaveAsync(db, $"tenant '{tenant.Name}' ({tenant.Id})", cancellationToken);
    }

    public async Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public async Task<Tenant?> FindTenantByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Tenants.FirstOrDefaultAsync(t => t.Name == name, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(string? onlyTenantId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Tenants.AsQueryable();
        if (onlyTenantId is not null)
        {
            query = query.Where(t => t.Id == onlyTenantId);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            query = query.Where(t => EF.Functions.GreaterThan(ValueTuple.Create(t.CreatedAt, t.Id), ValueTuple.Create(time, id)));
        }

        var rows = await query.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(LimitOf(page)).ToListAsync(cancellationToken);
        return [.. rows.Select(ToDomain)];
    }

    // Admin users

    public async Task CreateAdminAsync(AdminUser admin, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        db.AdminUsers.Add(ToEntity(admin));
        await SaveAsync(db, $"admin {admin.Id}", cancellationToken);
    }

    public async Task<AdminUser?> GetAdminAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.AdminUsers.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public async Task<bool> AnyAdminAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.AdminUsers.AnyAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AdminUser>> ListAdminsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AdminUsers.AsQueryable();
        if (tenantId is not null)
        {
            query = query.Where(a => a.TenantId == tenantId);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            query = query.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.CreatedAt, a.Id), ValueTuple.Create(time, id)));
        }

        var rows = await query.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Take(LimitOf(page)).ToListAsync(cancellationToken);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<AdminUser?> UpdateAdminKeyAsync(string id, string keyHash, DateTimeOffset rotatedAt, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var at = Utc(rotatedAt);
        var changed = await db.AdminUsers.Where(a => a.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(a => a.KeyHash, keyHash).SetProperty(a => a.KeyRotatedAt, at), cancellationToken);
        return changed == 0 ? null : ToDomain(await db.AdminUsers.FirstAsync(a => a.Id == id, cancellationToken));
    }

    public async Task<AdminUser?> RevokeAdminAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        DateTimeOffset? at = Utc(revokedAt);
        // COALESCE keeps an earlier revocation: revoking twice is harmless.
        var changed = await db.AdminUsers.Where(a => a.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(a => a.RevokedAt, a => a.RevokedAt ?? at), cancellationToken);
        return changed == 0 ? null : ToDomain(await db.AdminUsers.FirstAsync(a => a.Id == id, cancellationToken));
    }

    // Bootstrap tokens

    public async Task CreateBootstrapTokenAsync(BootstrapToken token, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        db.BootstrapTokens.Add(ToEntity(token));
        await SaveAsync(db, $"bootstrap token {token.Id}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<BootstrapToken?> GetBootstrapTokenAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.BootstrapTokens.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public async Task<IReadOnlyList<BootstrapToken>> ListBootstrapTokensAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var query = db.BootstrapTokens.AsQueryable();
        if (tenantId is not null)
        {
            query = query.Where(t => t.TenantId == tenantId);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            query = query.Where(t => EF.Functions.GreaterThan(ValueTuple.Create(t.CreatedAt, t.Id), ValueTuple.Create(time, id)));
        }

        var rows = await query.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(LimitOf(page)).ToListAsync(cancellationToken);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<BootstrapToken?> RevokeBootstrapTokenAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        DateTimeOffset? at = Utc(revokedAt);
        var changed = await db.BootstrapTokens.Where(t => t.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(t => t.RevokedAt, t => t.RevokedAt ?? at), cancellationToken);
        if (changed == 0)
        {
            return null;
        }

        var revoked = ToDomain(await db.BootstrapTokens.FirstAsync(t => t.Id == id, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    // Registration

    public Task<bool> RegisterAgentAsync(NewAgentRegistration registration, CancellationToken cancellationToken) =>
        AgentRegistrationStatement.RunAsync(_dataSource, _rls, registration, cancellationToken);

    public async Task RecordRegistrationAttemptAsync(RegistrationAttempt attempt, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        db.RegistrationAttempts.Add(ToEntity(attempt));
        await SaveAsync(db, $"registration attempt {attempt.Id}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RegistrationAttempt>> ListRegistrationAttemptsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var query = db.RegistrationAttempts.AsQueryable();
        if (tenantId is not null)
        {
            query = query.Where(r => r.TenantId == tenantId);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            query = query.Where(r => EF.Functions.GreaterThan(ValueTuple.Create(r.Time, r.Id), ValueTuple.Create(time, id)));
        }

        var rows = await query.OrderBy(r => r.Time).ThenBy(r => r.Id).Take(LimitOf(page)).ToListAsync(cancellationToken);
        return [.. rows.Select(ToDomain)];
    }

    // Agents

    public async Task<AgentWithLease?> GetAgentAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Agents.Include(a => a.Lease)
            .FirstOrDefaultAsync(a => a.Id == id && a.DeregisteredAt == null, cancellationToken);
        return found?.Lease is null ? null : ToDomain(found, found.Lease);
    }

    public async Task<IReadOnlyList<AgentWithLease>> ListAgentsAsync(string? tenantId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var query = db.Agents.Include(a => a.Lease).Where(a => a.DeregisteredAt == null);
        if (tenantId is not null)
        {
            query = query.Where(a => a.TenantId == tenantId);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            query = query.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.RegisteredAt, a.Id), ValueTuple.Create(time, id)));
        }

        var rows = await query.OrderBy(a => a.RegisteredAt).ThenBy(a => a.Id).Take(LimitOf(page)).ToListAsync(cancellationToken);
        return [.. rows.Where(a => a.Lease is not null).Select(a => ToDomain(a, a.Lease!))];
    }

    public async Task<AgentWithLease?> ApplyAgentActionAsync(string id, AgentAction action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var (agent, lease) = await LockAgentAsync(db, id, cancellationToken);
        if (agent is null || lease is null)
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
                agent.RevokedAt ??= Utc(now);
                lease.Held = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "unknown agent action");
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToDomain(agent, lease);
    }

    public async Task<bool> DeregisterAgentAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var (agent, lease) = await LockAgentAsync(db, id, cancellationToken);
        if (agent is null || lease is null)
        {
            return false;
        }

        agent.DeregisteredAt = Utc(now);
        lease.Held = false;
        await db.SaveChangesAsync(cancellationToken);
        await db.AgentKeys.Where(k => k.AgentId == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<AgentKey?> GetAgentKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.AgentKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        return found is null ? null : ToDomain(found);
    }

    public Task<AgentKeyLookup?> GetAgentByKeyAsync(string keyId, CancellationToken cancellationToken) =>
        AgentByKey.FindAsync(_dataSource, _rls, keyId, cancellationToken);

    public async Task RotateAgentKeyAsync(AgentKey newKey, DateTimeOffset previousKeysExpireAt, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var owner = await db.Agents.Where(a => a.Id == newKey.AgentId).Select(a => new { a.TenantId }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"cannot rotate the key of unknown agent {newKey.AgentId}");

        // least() ignores NULL: a key without expiry gets the cut-off, an earlier expiry is kept.
        var expireAt = Utc(previousKeysExpireAt);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE agent_keys SET expires_at = least(expires_at, {expireAt}) WHERE agent_id = {newKey.AgentId} AND id <> {newKey.Id}",
            cancellationToken);
        db.AgentKeys.Add(ToEntity(newKey, owner.TenantId));
        await SaveAsync(db, $"agent key {newKey.Id}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // Leases

    public Task<LeaseRenewal?> TryRenewLeaseWithKeyAsync(AgentKeyProof key, LeaseRenewRequest request, CancellationToken cancellationToken) =>
        HeldLeaseRenewal.TryWithKeyAsync(_dataSource, key, request, cancellationToken);

    public async Task<LeaseRenewal> RenewLeaseAsync(LeaseRenewRequest request, CancellationToken cancellationToken)
    {
        if (await HeldLeaseRenewal.TryAsync(_dataSource, _rls, request, cancellationToken) is { } renewed)
        {
            return renewed;
        }

        var now = Utc(request.Now);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var (agent, lease) = await LockAgentAsync(db, request.AgentId, cancellationToken);
        if (agent is null || lease is null)
        {
            return new LeaseRenewal(LeaseRenewOutcome.NotFound, null);
        }

        LeaseRenewOutcome outcome;
        if (lease.Held && lease.HolderIdentity == request.HolderIdentity)
        {
            outcome = LeaseRenewOutcome.Renewed;
        }
        else if (lease.HolderIdentity == request.HolderIdentity)
        {
            // The same process after a release or an expiry: it holds again, no new transition.
            outcome = LeaseRenewOutcome.Acquired;
            lease.AcquireTime = now;
        }
        else if (request.Acquire)
        {
            outcome = LeaseRenewOutcome.Acquired;
            if (lease.HolderIdentity is not null)
            {
                lease.LeaseTransitions++;
            }

            lease.HolderIdentity = request.HolderIdentity;
            lease.AcquireTime = now;
        }
        else
        {
            return new LeaseRenewal(LeaseRenewOutcome.Superseded, ToDomain(agent, lease));
        }

        lease.Held = true;
        lease.RenewTime = now;
        lease.LeaseDurationSeconds = request.LeaseDurationSeconds;
        lease.ExpiresAt = now.AddSeconds(request.LeaseDurationSeconds);
        if (request.Version is not null)
        {
            agent.Version = request.Version;
        }

        if (request.Capabilities is not null)
        {
            agent.Capabilities = CapabilitiesJson(request.Capabilities);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LeaseRenewal(outcome, ToDomain(agent, lease));
    }

    public async Task<bool> ReleaseLeaseAsync(string agentId, string holderIdentity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var changed = await db.AgentLeases
            .Where(l => l.AgentId == agentId && l.Held && l.HolderIdentity == holderIdentity)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Held, false), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    public async Task<ReaperState> RecordReaperRunAsync(DateTimeOffset now, TimeSpan gapThreshold, TimeSpan grace, CancellationToken cancellationToken)
    {
        var at = Utc(now);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var state = (await db.ReaperStates
                .FromSql($"SELECT * FROM reaper_state WHERE id = {ReaperStateEntity.SingletonId} FOR UPDATE")
                .AsTracking()
                .ToListAsync(cancellationToken))
            .SingleOrDefault()
            ?? throw new InvalidOperationException("the reaper_state row is missing: the database was changed outside the migrations");

        if (state.LastRunAt is { } last && at - last > gapThreshold)
        {
            state.GraceUntil = at + grace;
        }

        // A replica with a clock behind the others must not move the mark back.
        if (state.LastRunAt is null || at > state.LastRunAt)
        {
            state.LastRunAt = at;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToDomain(state);
    }

    public async Task<IReadOnlyList<string>> ExpireLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One statement: each lease is ended by exactly one of several replicas reaping at once.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await _rls.ApplyAsync(connection, transaction, cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE agent_leases SET held = false WHERE held AND expires_at < $1 RETURNING agent_id", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(now) });
        var expired = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add(reader.GetString(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return expired;
    }

    // Admin audit chain

    public async Task<AuditEvent> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        // The head row lock serializes appends across replicas, so the chain cannot fork.
        var head = (await db.AuditHeads
                .FromSql($"SELECT * FROM audit_head WHERE id = {AuditHeadEntity.SingletonId} FOR UPDATE")
                .AsTracking()
                .ToListAsync(cancellationToken))
            .SingleOrDefault()
            ?? throw new InvalidOperationException("the audit_head row is missing: the database was changed outside the migrations");

        var sealedEvent = AuditChain.Seal(entry, new AuditHead(head.Count, head.Hash));
        db.AuditEvents.Add(ToEntity(sealedEvent));
        head.Count = sealedEvent.Sequence;
        head.Hash = sealedEvent.Hash;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sealedEvent;
    }

    public async Task<IReadOnlyList<AuditEvent>> ListAuditAsync(long afterSequence, int limit, string? tenantId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var query = db.AuditEvents.Where(e => e.Sequence > afterSequence);
        if (tenantId is not null)
        {
            query = query.Where(e => e.TenantId == tenantId);
        }

        var rows = await query.OrderBy(e => e.Sequence).Take(Math.Clamp(limit, 0, PageRequest.MaxLimit)).ToListAsync(cancellationToken);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<AuditHead> GetAuditHeadAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginAsync(db, cancellationToken);
        var head = await db.AuditHeads.FirstOrDefaultAsync(h => h.Id == AuditHeadEntity.SingletonId, cancellationToken);
        return head is null ? AuditHead.Empty : new AuditHead(head.Count, head.Hash);
    }

    // Command queue (the SQL lives in PostgresCommandQueue)

    /// <summary>Names this store in its enqueue NOTIFYs (the listener of the same replica skips them).</summary>
    internal string CommandNotifyOrigin => _queue.NotifyOrigin;

    public Task AnnounceCommandAsync(Command command, CancellationToken cancellationToken) =>
        _queue.AnnounceAsync(command, cancellationToken);

    public Task<(Command Command, bool Created)> EnqueueCommandAsync(Command command, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(command, cancellationToken);

    public Task<Command?> GetCommandAsync(string id, CancellationToken cancellationToken) => _queue.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<Command>> ListCommandsAsync(CommandQuery query, PageRequest page, CancellationToken cancellationToken) =>
        _queue.ListAsync(query, page, LimitOf(page), cancellationToken);

    public Task<IReadOnlyList<Command>> ClaimCommandsAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        _queue.ClaimAsync(request, cancellationToken);

    public Task<CommandUpdate> StartCommandAsync(CommandRef command, DateTimeOffset now, CancellationToken cancellationToken) =>
        _queue.StartAsync(command, now, cancellationToken);

    public Task<CommandUpdate> ReportProgressAsync(CommandRef command, int percent, string message, DateTimeOffset now, CancellationToken cancellationToken) =>
        _queue.ReportProgressAsync(command, percent, message, cancellationToken);

    public Task<(Command Command, Agent Agent)?> TryCompleteWithKeyAsync(AgentKeyProof key, CommandCompletion completion, CancellationToken cancellationToken) =>
        _queue.TryCompleteWithKeyAsync(key, completion, cancellationToken);

    public Task<CommandUpdate> CompleteCommandAsync(CommandCompletion completion, CancellationToken cancellationToken) =>
        _queue.CompleteAsync(completion, cancellationToken);

    public Task<Command?> CancelCommandAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        _queue.CancelAsync(id, now, cancellationToken);

    public Task<CommandSweep> SweepCommandsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _queue.SweepAsync(now, cancellationToken);

    public Task<IReadOnlyList<string>> GetStopRequestsAsync(string agentId, DateTimeOffset finishedAfter, CancellationToken cancellationToken) =>
        _queue.GetStopRequestsAsync(agentId, finishedAfter, cancellationToken);

    public Task<IReadOnlyList<QueueDepth>> GetQueueDepthAsync(CancellationToken cancellationToken) => _queue.GetQueueDepthAsync(cancellationToken);

    // Findings (the SQL lives in PostgresFindings)

    public Task<FindingIngestResult> IngestFindingsAsync(FindingIngest ingest, CancellationToken cancellationToken) =>
        _findings.IngestAsync(ingest, cancellationToken);

    public Task<long> CountObservedAsync(string commandId, int attempt, CancellationToken cancellationToken) =>
        _findings.CountObservedAsync(commandId, attempt, cancellationToken);

    public Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, PageRequest page, CancellationToken cancellationToken) =>
        _findings.ListAsync(query, page, cancellationToken);

    public Task<IReadOnlyList<Finding>> ListFindingsAsync(FindingQuery query, FindingPage page, CancellationToken cancellationToken) =>
        _findingQueries.ListAsync(query, page, cancellationToken);

    public Task<FindingSummary> SummarizeFindingsAsync(FindingQuery query, CancellationToken cancellationToken) =>
        _findingQueries.SummarizeAsync(query, cancellationToken);

    public Task<Finding?> GetFindingAsync(string id, CancellationToken cancellationToken) => _findings.GetAsync(id, cancellationToken);

    // Assets (written by the findings ingest; the SQL lives in PostgresFindings)

    public Task<IReadOnlyList<Asset>> ListAssetsAsync(AssetQuery query, PageRequest page, CancellationToken cancellationToken) =>
        _findings.ListAssetsAsync(query, page, cancellationToken);

    public Task<Asset?> GetAssetAsync(string id, CancellationToken cancellationToken) => _findings.GetAssetAsync(id, cancellationToken);

    public async Task<IReadOnlyList<AssetKind>> ListAssetKindsAsync(CancellationToken cancellationToken) =>
        [.. (await _findings.AssetKindsAsync(cancellationToken)).Values.OrderBy(k => k.Name, StringComparer.Ordinal)];

    public Task<int> ResolveUnseenAsync(ResolveScope scope, CancellationToken cancellationToken) =>
        _findings.ResolveUnseenAsync(scope, cancellationToken);

    public Task<Finding?> SetFindingStatusAsync(FindingStatusUpdate update, CancellationToken cancellationToken) =>
        _findings.SetStatusAsync(update, cancellationToken);

    public Task<IReadOnlyList<FindingStatusChange>> ListFindingHistoryAsync(string findingId, CancellationToken cancellationToken) =>
        _findings.HistoryAsync(findingId, cancellationToken);

    /// <summary>The store's connections, shared with the NOTIFY listener.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>Locks the lease row (FOR UPDATE) first, then loads the agent for update: the store's one lock order.</summary>
    private static async Task<(AgentEntity? Agent, AgentLeaseEntity? Lease)> LockAgentAsync(
        ControlPlaneDbContext db, string agentId, CancellationToken cancellationToken)
    {
        var lease = (await db.AgentLeases
                .FromSql($"SELECT * FROM agent_leases WHERE agent_id = {agentId} FOR UPDATE")
                .AsTracking()
                .ToListAsync(cancellationToken))
            .SingleOrDefault();
        if (lease is null)
        {
            return (null, null);
        }

        var agent = await db.Agents.AsTracking().FirstOrDefaultAsync(a => a.Id == agentId && a.DeregisteredAt == null, cancellationToken);
        return (agent, agent is null ? null : lease);
    }

    /// <summary>Every transaction on tenant-owned tables runs in the call's row-level security context.</summary>
    private Task<IDbContextTransaction> BeginAsync(ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        _rls.BeginAsync(db, cancellationToken);

    private static int LimitOf(PageRequest page) =>
        page.Limit <= 0 ? PageRequest.DefaultLimit : Math.Min(page.Limit, PageRequest.MaxLimit);

    /// <summary>Saves, turning a unique-key violation into the contract's <see cref="StoreConflictException"/>.</summary>
    private static async Task SaveAsync(ControlPlaneDbContext db, string what, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            throw new StoreConflictException($"{what} conflicts with an existing row ({unique.ConstraintName})", e);
        }
    }
}
