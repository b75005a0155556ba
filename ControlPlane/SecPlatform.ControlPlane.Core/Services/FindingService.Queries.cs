using System.Runtime.CompilerServices;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>Sorted lists, summary counts and exports: the same tenant scope and filters as every finding list.</summary>
public sealed partial class FindingService
{
    /// <summary>The order of an export: one scanner's findings together (SARIF writes one run per scanner), oldest first within it.</summary>
    public static FindingSort ExportOrder { get; } = FindingSort.TryParse("scanner,first_seen", out var sort, out _) ? sort : FindingSort.Default;

    /// <summary>A page of one tenant's findings in <see cref="FindingPage.Sort"/> order.</summary>
    public async Task<IReadOnlyList<Finding>> ListAsync(AdminPrincipal caller, string? tenant, string? commandId, FindingQuery filters,
        FindingPage page, CancellationToken cancellationToken)
    {
        var query = await ScopeAsync(caller, tenant, commandId, filters, cancellationToken);
        return await findings.ListFindingsAsync(query, page, cancellationToken);
    }

    /// <summary>How many of one tenant's findings match, by severity and status. Another tenant looks like a missing one.</summary>
    public async Task<FindingSummary> SummarizeAsync(AdminPrincipal caller, string? tenant, string? commandId, FindingQuery filters,
        CancellationToken cancellationToken)
    {
        var query = await ScopeAsync(caller, tenant, commandId, filters, cancellationToken);
        return await findings.SummarizeFindingsAsync(query, cancellationToken);
    }

    /// <summary>
    /// Opens an export: checks the scope now (so a refusal comes before any output) and audits it; the findings are
    /// then read page by page in <see cref="ExportOrder"/>, never all at once.
    /// </summary>
    public async Task<IAsyncEnumerable<IReadOnlyList<Finding>>> ExportAsync(AdminPrincipal caller, string? tenant, string? commandId,
        FindingQuery filters, string format, CancellationToken cancellationToken)
    {
        var query = await ScopeAsync(caller, tenant, commandId, filters, cancellationToken);
        await audit.RecordAsync(caller, "finding.export", "tenant", query.TenantId!, query.TenantId, AuditLog.Succeeded, $"format={format}",
            cancellationToken);
        return Pages(query, cancellationToken);
    }

    private async IAsyncEnumerable<IReadOnlyList<Finding>> Pages(FindingQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = FindingPage.First(ExportOrder, PageRequest.MaxLimit);
        while (true)
        {
            var items = await findings.ListFindingsAsync(query, page, cancellationToken);
            if (items.Count > 0)
            {
                yield return items;
            }

            if (items.Count < page.Limit)
            {
                yield break;
            }

            page = page with { After = FindingCursor.After(page.Sort, items[^1]) };
        }
    }
}
