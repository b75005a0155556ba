using Microsoft.Extensions.Logging;
using SecPlatform.ControlPlane.Core.Audit;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Records admin mutations in the hash-chained audit log and publishes the head (log line and metric)
/// after each append, so a cut tail can be noticed from outside the database.
/// </summary>
public sealed class AuditLog(IControlPlaneStore store, TimeProvider time, ControlPlaneMetrics metrics, ILogger<AuditLog> logger)
{
    public const string Succeeded = "succeeded";
    public const string Denied = "denied";

    public async Task RecordAsync(AdminPrincipal actor, string action, string resourceType, string resourceId, string? tenantId,
        string outcome, string detail, CancellationToken cancellationToken)
    {
        var entry = new AuditEntry(time.GetUtcNow(), actor.AdminId, action, resourceType, resourceId, tenantId, outcome, actor.PeerAddress, detail);
        AuditEvent appended;
        // One chain for the whole platform (its head row orders every append), and refusals carry no tenant.
        using (TenantContext.Enter(TenantContext.Platform))
        {
            appended = await store.AppendAuditAsync(entry, cancellationToken);
        }

        metrics.AuditHead(appended.Sequence);
        logger.LogInformation("Audit {Action} {ResourceType} {ResourceId} by {ActorId}: {Outcome}; audit head {AuditCount} {AuditHeadHash}",
            action, resourceType, resourceId, actor.AdminId, outcome, appended.Sequence, appended.Hash);
    }

    public async Task<IReadOnlyList<AuditEvent>> ListAsync(AdminPrincipal caller, long afterSequence, int limit, CancellationToken cancellationToken) =>
        await store.ListAuditAsync(afterSequence, limit, caller.TenantId, cancellationToken);

    /// <summary>Walks the whole chain. With an expected head (published earlier), also checks the chain still reaches it.</summary>
    public async Task<AuditVerification> VerifyAsync(AdminPrincipal caller, AuditHead? expectedHead, CancellationToken cancellationToken)
    {
        if (caller.IsTenantBound)
        {
            throw DomainException.Denied("verifying the audit chain needs a platform admin: the chain spans every tenant");
        }

        // Every tenant's events and those of no tenant: the platform context, explicitly.
        using var platform = TenantContext.Enter(TenantContext.Platform);

        var storedHead = await store.GetAuditHeadAsync(cancellationToken);
        metrics.AuditHead(storedHead.Count);
        var verification = await AuditChain.VerifyAsync(ReadAllAsync(cancellationToken), storedHead, cancellationToken);
        if (verification.Ok && expectedHead is { Count: > 0 })
        {
            // Re-walk against the published head: detects a tail cut together with a rewritten head row.
            verification = await AuditChain.VerifyAsync(ReadAllAsync(cancellationToken), expectedHead, cancellationToken);
        }

        return verification;
    }

    /// <summary>Publishes the stored head at start-up.</summary>
    public async Task PublishHeadAsync(CancellationToken cancellationToken)
    {
        var head = await store.GetAuditHeadAsync(cancellationToken);
        metrics.AuditHead(head.Count);
        logger.LogInformation("Audit head {AuditCount} {AuditHeadHash}", head.Count, head.Hash);
    }

    private async IAsyncEnumerable<AuditEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var page = await store.ListAuditAsync(after, 1000, null, cancellationToken);
            foreach (var e in page)
            {
                yield return e;
            }

            if (page.Count < 1000)
            {
                yield break;
            }

            after = page[^1].Sequence;
        }
    }
}
