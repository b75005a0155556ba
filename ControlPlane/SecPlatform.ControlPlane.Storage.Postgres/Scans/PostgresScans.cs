using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Scans;

/// <summary>
/// Scan profiles and scan records on PostgreSQL. A scan record is a command row and its scan_counts row; the counts
/// are written by the findings ingest and the resolution, in the same statement as the findings they count (see
/// <see cref="CountFindingsCte"/> and <see cref="CountResolvedCte"/>), never one statement per finding.
/// </summary>
internal sealed class PostgresScans(PooledDbContextFactory<ControlPlaneDbContext> contexts, RowSecurity rls)
{
    /// <summary>
    /// A part of the ingest's upsert statement: the batch's fresh findings (the <c>upserted</c> part, with
    /// <c>inserted</c> true for a finding new to the tenant) added to the attempt's counts. A later attempt's first
    /// batch replaces an earlier attempt's counts. $1 tenant, $2 command, $3 attempt.
    /// </summary>
    public const string CountFindingsCte = """
        counted AS (
            INSERT INTO scan_counts AS c (command_id, tenant_id, attempt, new_findings, seen_again, resolved, info, low, medium, high, critical, components)
            SELECT $2, $1, $3, count(*) FILTER (WHERE u.inserted), count(*) FILTER (WHERE NOT u.inserted), 0,
                count(*) FILTER (WHERE u.severity = 'info'), count(*) FILTER (WHERE u.severity = 'low'),
                count(*) FILTER (WHERE u.severity = 'medium'), count(*) FILTER (WHERE u.severity = 'high'),
                count(*) FILTER (WHERE u.severity = 'critical'), 0
            FROM upserted AS u
            ON CONFLICT (command_id) DO UPDATE SET
                new_findings = excluded.new_findings + CASE WHEN c.attempt = excluded.attempt THEN c.new_findings ELSE 0 END,
                seen_again = excluded.seen_again + CASE WHEN c.attempt = excluded.attempt THEN c.seen_again ELSE 0 END,
                resolved = CASE WHEN c.attempt = excluded.attempt THEN c.resolved ELSE 0 END,
                info = excluded.info + CASE WHEN c.attempt = excluded.attempt THEN c.info ELSE 0 END,
                low = excluded.low + CASE WHEN c.attempt = excluded.attempt THEN c.low ELSE 0 END,
                medium = excluded.medium + CASE WHEN c.attempt = excluded.attempt THEN c.medium ELSE 0 END,
                high = excluded.high + CASE WHEN c.attempt = excluded.attempt THEN c.high ELSE 0 END,
                critical = excluded.critical + CASE WHEN c.attempt = excluded.attempt THEN c.critical ELSE 0 END,
                components = CASE WHEN c.attempt = excluded.attempt THEN c.components ELSE 0 END,
                attempt = excluded.attempt
            RETURNING 1
        )
        """;

    /// <summary>
    /// A part of the resolution statement: how many findings the attempt resolved (the <c>changes</c> part) added to
    /// its counts. $1 tenant, $4 command, $5 attempt.
    /// </summary>
    public const string CountResolvedCte = """
        counted AS (
            INSERT INTO scan_counts AS c (command_id, tenant_id, attempt, new_findings, seen_again, resolved, info, low, medium, high, critical, components)
            SELECT $4, $1, $5, 0, 0, count(*), 0, 0, 0, 0, 0, 0 FROM changes
            HAVING count(*) > 0
            ON CONFLICT (command_id) DO UPDATE SET
                resolved = excluded.resolved + CASE WHEN c.attempt = excluded.attempt THEN c.resolved ELSE 0 END,
                new_findings = CASE WHEN c.attempt = excluded.attempt THEN c.new_findings ELSE 0 END,
                seen_again = CASE WHEN c.attempt = excluded.attempt THEN c.seen_again ELSE 0 END,
                info = CASE WHEN c.attempt = excluded.attempt THEN c.info ELSE 0 END,
                low = CASE WHEN c.attempt = excluded.attempt THEN c.low ELSE 0 END,
                medium = CASE WHEN c.attempt = excluded.attempt THEN c.medium ELSE 0 END,
                high = CASE WHEN c.attempt = excluded.attempt THEN c.high ELSE 0 END,
                critical = CASE WHEN c.attempt = excluded.attempt THEN c.critical ELSE 0 END,
                components = CASE WHEN c.attempt = excluded.attempt THEN c.components ELSE 0 END,
                attempt = excluded.attempt
            RETURNING 1
        )
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task CreateProfileAsync(ScanProfile profile, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        db.ScanProfiles.Add(ToEntity(profile));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            throw new StoreConflictException($"scan profile '{profile.Name}' conflicts with an existing row ({unique.ConstraintName})", e);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<ScanProfile?> GetProfileAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var row = await db.ScanProfiles.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return row is null ? null : ToDomain(row);
    }

    public async Task<ScanProfile?> FindProfileAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var row = await db.ScanProfiles.FirstOrDefaultAsync(p => p.TenantId == tenantId && p.Name == name, cancellationToken);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyList<ScanProfile>> ListProfilesAsync(string tenantId, PageRequest page, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.ScanProfiles.Where(p => p.TenantId == tenantId);
        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(p => EF.Functions.GreaterThan(ValueTuple.Create(p.CreatedAt, p.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    public async Task<bool> DeleteProfileAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var deleted = await db.ScanProfiles.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    public async Task<Scan?> GetScanAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var row = await db.Commands
            .Where(c => c.Id == id)
            .Select(c => new { Command = c, Counts = db.ScanCounts.FirstOrDefault(s => s.CommandId == c.Id && s.Attempt == c.Attempt) })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new Scan(EntityMapperCommand(row.Command), ToDomain(row.Counts));
    }

    public async Task<IReadOnlyList<Scan>> ListScansAsync(ScanQuery query, PageRequest page, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var rows = db.Commands.Where(c => c.TenantId == query.TenantId);
        if (query.Statuses is { Count: > 0 } statuses)
        {
            var words = statuses.Select(s => s.Word()).ToList();
            rows = rows.Where(c => words.Contains(c.Status));
        }

        if (query.Scanner is { } scanner)
        {
            rows = rows.Where(c => c.Scanner == scanner);
        }

        if (query.Profile is { } profile)
        {
            rows = rows.Where(c => c.ProfileName == profile);
        }

        if (page.After is { } after)
        {
            var (time, id) = (Utc(after.CreatedAt), after.Id);
            rows = rows.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(time, id)));
        }

        var found = await rows.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Take(limit)
            .Select(c => new { Command = c, Counts = db.ScanCounts.FirstOrDefault(s => s.CommandId == c.Id && s.Attempt == c.Attempt) })
            .ToListAsync(cancellationToken);
        return [.. found.Select(r => new Scan(EntityMapperCommand(r.Command), ToDomain(r.Counts)))];
    }

    private static Command EntityMapperCommand(CommandEntity e) => Mapping.EntityMapper.ToDomain(e);

    private static ScanCounts ToDomain(ScanCountsEntity? e) => e is null
        ? ScanCounts.None
        : new ScanCounts(e.Attempt, e.NewFindings, e.SeenAgain, e.Resolved, e.Info, e.Low, e.Medium, e.High, e.Critical, e.Components);

    private static ScanProfileEntity ToEntity(ScanProfile p) => new()
    {
        Id = p.Id,
        TenantId = p.TenantId,
        Name = p.Name,
        Description = p.Description,
        Scanner = p.Scanner,
        Parameters = LabelsJson(p.Parameters),
        TargetAgentId = p.TargetAgentId,
        SelectorLabels = LabelsJson(p.SelectorLabels),
        RequiredCapabilities = [.. p.RequiredCapabilities],
        Priority = p.Priority,
        MaxAttempts = p.MaxAttempts,
        TimeoutSeconds = p.TimeoutSeconds,
        CreatedAt = Utc(p.CreatedAt),
        CreatedBy = p.CreatedBy,
    };

    private static ScanProfile ToDomain(ScanProfileEntity e) => new()
    {
        Id = e.Id,
        TenantId = e.TenantId,
        Name = e.Name,
        Description = e.Description,
        Scanner = e.Scanner,
        Parameters = Map(e.Parameters),
        TargetAgentId = e.TargetAgentId,
        SelectorLabels = Map(e.SelectorLabels),
        RequiredCapabilities = [.. e.RequiredCapabilities],
        Priority = e.Priority,
        MaxAttempts = e.MaxAttempts,
        TimeoutSeconds = e.TimeoutSeconds,
        CreatedAt = e.CreatedAt,
        CreatedBy = e.CreatedBy,
    };

    private static Dictionary<string, string> Map(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [];
}
