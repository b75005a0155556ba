using System.Text.RegularExpressions;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>Findings: the agents' fenced, idempotent ingest, and the admins' queries (always in one tenant's scope).</summary>
public sealed partial class FindingService(IFindingStore findings, IAssetStore assets, ICommandQueueStore queue, TenantManager tenants, AuditLog audit,
    TimeProvider time, AssetGroupService groups)
{
    public const int MaxBatchFindings = 1000;

    // The asset kinds are data; read once (a new kind needs a restart to be accepted from agents).
    private IReadOnlyList<AssetKind>? _assetKinds;

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex FingerprintPattern();

    /// <summary>Stores one batch under the agent's current claim of the command. Refusals say why; nothing is half-written.</summary>
    public async Task<FindingIngestResult> IngestAsync(AgentWithLease caller, string? commandId, long fencingToken,
        IReadOnlyList<ObservedFinding> batch, IReadOnlyList<ObservedComponent> components, CancellationToken cancellationToken)
    {
        var id = Validate.Id("command_id", commandId);
        if (fencingToken <= 0)
        {
            throw DomainException.Invalid("fencing_token is required (the token of the claim)");
        }

        if (batch.Count + components.Count > MaxBatchFindings)
        {
            throw DomainException.Invalid($"a batch holds at most {MaxBatchFindings} findings and components");
        }

        var kinds = _assetKinds ??= await assets.ListAssetKindsAsync(cancellationToken);
        foreach (var finding in batch)
        {
            Check(finding, kinds);
        }

        foreach (var component in components)
        {
            ComponentService.Check(component, kinds);
        }

        return await findings.IngestFindingsAsync(
            new FindingIngest(new CommandRef(id, caller.Agent.Id, fencingToken), batch, time.GetUtcNow(), components.Count == 0 ? null : components),
            cancellationToken);
    }

    /// <summary>
    /// Checks the field filters and sets the query's tenant (the caller's, or <paramref name="tenant"/> resolved in
    /// the caller's view) and command attempt: the one mapping of every list, summary and export to a store query.
    /// </summary>
    private async Task<FindingQuery> ScopeAsync(AdminPrincipal caller, string? tenant, string? commandId, FindingQuery filters,
        CancellationToken cancellationToken)
    {
        foreach (var status in filters.Statuses ?? [])
        {
            if (!FindingStatus.IsValid(status))
            {
                throw DomainException.Invalid($"status must be one of {string.Join(", ", FindingStatus.All)}");
            }
        }

        if (filters.Severities?.Any(s => !Enum.IsDefined(s)) == true)
        {
            throw DomainException.Invalid("severity must be info, low, medium, high or critical");
        }

        if (filters.Scanner is not null)
        {
            Validate.ScannerId(filters.Scanner);
        }

        if (filters.RuleId is not null)
        {
            Validate.Text("rule_id", filters.RuleId, 200, required: true);
        }

        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        if (tenantId is null)
        {
            throw DomainException.Invalid("tenant is required: findings are always listed in one tenant's scope");
        }

        var query = await ResolveTargetsAsync(caller, tenantId, filters with { TenantId = tenantId, CommandId = null, Attempt = 0 }, cancellationToken);
        if (!string.IsNullOrEmpty(commandId))
        {
            var id = Validate.Id("command_id", commandId);
            var command = await queue.GetCommandAsync(id, cancellationToken);
            if (command is null || command.TenantId != tenantId)
            {
                throw DomainException.NotFound("command", id);
            }

            // The accepted run is the command's latest attempt: earlier attempts lost their claim.
            query = query with { CommandId = id, Attempt = command.Attempt };
        }

        return query;
    }

    public async Task<Finding> GetAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var findingId = Validate.Id("id", id);
        var finding = await findings.GetFindingAsync(findingId, cancellationToken);
        if (finding is null || !caller.CanSee(finding.TenantId))
        {
            throw DomainException.NotFound("finding", findingId);
        }

        return finding;
    }

    /// <summary>The finding's status changes, oldest first, after the same visibility check as <see cref="GetAsync"/>.</summary>
    public async Task<IReadOnlyList<FindingStatusChange>> HistoryAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var finding = await GetAsync(caller, id, cancellationToken);
        return await findings.ListFindingHistoryAsync(finding.Id, cancellationToken);
    }

    /// <summary>
    /// An admin's triage: false_positive or accepted_risk with a reason, or back to open. The server never moves a
    /// finding out of a triage status by itself. Another tenant's finding looks like an unknown one.
    /// </summary>
    public async Task<Finding> SetStatusAsync(AdminPrincipal caller, string? id, string? status, string? reason, CancellationToken cancellationToken)
    {
        var findingId = Validate.Id("id", id);
        Permissions.RequireWrite(caller, "triage findings");
        if (status is null || !FindingStatus.AdminSettable.Contains(status))
        {
            throw DomainException.Invalid($"status must be one of {string.Join(", ", FindingStatus.AdminSettable)} (the server sets resolved and reopened)");
        }

        var why = Validate.Text("reason", reason, 1000, required: status != FindingStatus.Open);
        var updated = await findings.SetFindingStatusAsync(
            new FindingStatusUpdate(findingId, caller.TenantId, status, why, caller.AdminId, time.GetUtcNow()), cancellationToken);
        if (updated is null)
        {
            throw DomainException.NotFound("finding", findingId);
        }

        await audit.RecordAsync(caller, "finding.set_status", "finding", updated.Id, updated.TenantId, AuditLog.Succeeded,
            $"status={status} reason={why}", cancellationToken);
        return updated;
    }

    /// <summary>
    /// The asset, group and vulnerability filters checked and put in stored form: the asset must be the tenant's, the
    /// group (name or id) the tenant's (NotFound otherwise, as for a missing one), the vulnerability id well-formed.
    /// </summary>
    private async Task<FindingQuery> ResolveTargetsAsync(AdminPrincipal caller, string tenantId, FindingQuery query, CancellationToken cancellationToken)
    {
        if (query.AssetId is not null)
        {
            var assetId = Validate.Id("asset", query.AssetId);
            var asset = await assets.GetAssetAsync(assetId, cancellationToken);
            if (asset is null || asset.TenantId != tenantId)
            {
                throw DomainException.NotFound("asset", assetId);
            }
        }

        if (query.GroupId is not null)
        {
            Validate.Text("group", query.GroupId, 63, required: true);
            query = query with { GroupId = (await groups.FindAsync(caller, tenantId, query.GroupId, cancellationToken)).Id };
        }

        if (query.Cve is not null)
        {
            query = query with { Cve = VulnerabilityService.NormalizeId(query.Cve) };
        }

        return query;
    }

    private static void Check(ObservedFinding f, IReadOnlyList<AssetKind> kinds)
    {
        if (!FingerprintPattern().IsMatch(f.Fingerprint))
        {
            throw DomainException.Invalid("a finding's fingerprint must be 64 lowercase hex characters (SHA-256)");
        }

        Validate.ScannerId(f.Scanner);
        Validate.Text("rule_id", f.RuleId, 200, required: true);
        if (!Enum.IsDefined(f.Severity))
        {
            throw DomainException.Invalid($"finding {f.Fingerprint[..12]}: severity must be info, low, medium, high or critical");
        }

        if (!kinds.Any(k => k.Name == f.AssetKind))
        {
            throw DomainException.Invalid($"finding {f.Fingerprint[..12]}: asset kind must be one of {string.Join(", ", kinds.Select(k => k.Name))}");
        }

        Validate.Text("asset_value", f.AssetValue, 4096, required: true);
        if (f.Title.Length > 1000 || f.Message.Length > 8000 || f.Evidence.Length > 2000 || f.File.Length > 4096 || f.Host.Length > 255
            || f.Cves.Count > 100 || f.Cwes.Count > 100 || f.Line < 0 || f.Column < 0 || f.Port is < 0 or > 65535)
        {
            throw DomainException.Invalid($"finding {f.Fingerprint[..12]}: a field is out of bounds (title 1000, message 8000, evidence 2000 characters; port 0-65535)");
        }
    }
}
