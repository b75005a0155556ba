using System.Text.RegularExpressions;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>Findings: the agents' fenced, idempotent ingest, and the admins' queries (always in one tenant's scope).</summary>
public sealed partial class FindingService(IFindingStore findings, ICommandQueueStore queue, TenantManager tenants, TimeProvider time)
{
    public const int MaxBatchFindings = 1000;
    private static readonly HashSet<string> AssetKinds = ["host", "ip", "url", "repository", "path"];

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex FingerprintPattern();

    /// <summary>Stores one batch under the agent's current claim of the command. Refusals say why; nothing is half-written.</summary>
    public async Task<FindingIngestResult> IngestAsync(AgentWithLease caller, string? commandId, long fencingToken,
        IReadOnlyList<ObservedFinding> batch, CancellationToken cancellationToken)
    {
        var id = Validate.Id("command_id", commandId);
        if (fencingToken <= 0)
        {
            throw DomainException.Invalid("fencing_token is required (the token of the claim)");
        }

        if (batch.Count > MaxBatchFindings)
        {
            throw DomainException.Invalid($"a batch holds at most {MaxBatchFindings} findings");
        }

        foreach (var finding in batch)
        {
            Check(finding);
        }

        return await findings.IngestFindingsAsync(new FindingIngest(new CommandRef(id, caller.Agent.Id, fencingToken), batch, time.GetUtcNow()), cancellationToken);
    }

    public async Task<IReadOnlyList<Finding>> ListAsync(AdminPrincipal caller, string? tenant, string? commandId, PageRequest page,
        CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        if (tenantId is null)
        {
            throw DomainException.Invalid("tenant is required: findings are always listed in one tenant's scope");
        }

        var query = new FindingQuery(tenantId);
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

        return await findings.ListFindingsAsync(query, page, cancellationToken);
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

    private static void Check(ObservedFinding f)
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

        if (!AssetKinds.Contains(f.AssetKind))
        {
            throw DomainException.Invalid($"finding {f.Fingerprint[..12]}: asset kind must be one of {string.Join(", ", AssetKinds)}");
        }

        Validate.Text("asset_value", f.AssetValue, 4096, required: true);
        if (f.Title.Length > 1000 || f.Message.Length > 8000 || f.Evidence.Length > 2000 || f.File.Length > 4096 || f.Host.Length > 255
            || f.Cves.Count > 100 || f.Cwes.Count > 100 || f.Line < 0 || f.Column < 0 || f.Port is < 0 or > 65535)
        {
            throw DomainException.Invalid($"finding {f.Fingerprint[..12]}: a field is out of bounds (title 1000, message 8000, evidence 2000 characters; port 0-65535)");
        }
    }
}
