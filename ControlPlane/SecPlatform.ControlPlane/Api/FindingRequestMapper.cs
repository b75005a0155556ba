using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Api;

/// <summary>
/// The one mapping of the finding filters that ListFindings, SummarizeFindings and ExportFindings share (same field
/// names and numbers) to a store query; a new filter is added here once. Checking the values is the service's job.
/// </summary>
internal static class FindingRequestMapper
{
    public static FindingQuery ToQuery(IFindingFilterRequest request) => new(
        Statuses: [.. request.Statuses],
        // An unspecified severity maps to an undefined value, which validation refuses.
        Severities: [.. request.Severities.Select(s => (Core.Domain.Severity)(int)s)],
        Scanner: string.IsNullOrEmpty(request.Scanner) ? null : request.Scanner,
        RuleId: string.IsNullOrEmpty(request.RuleId) ? null : request.RuleId,
        Since: request.Since?.ToDateTimeOffset(),
        AssetId: string.IsNullOrEmpty(request.Asset) ? null : request.Asset,
        GroupId: string.IsNullOrEmpty(request.Group) ? null : request.Group,
        Cve: string.IsNullOrEmpty(request.Cve) ? null : request.Cve);

    /// <summary>The page of a sorted list: the sort, and the page token checked to belong to that sort.</summary>
    public static FindingPage ToPage(ListFindingsRequest request)
    {
        if (!FindingSort.TryParse(request.Sort, out var sort, out var error))
        {
            throw DomainException.Invalid(error);
        }

        if (request.PageSize < 0)
        {
            throw DomainException.Invalid("page_size must not be negative");
        }

        if (!FindingCursor.TryDecode(request.PageToken, sort, out var after, out error))
        {
            throw DomainException.Invalid(error);
        }

        var limit = request.PageSize == 0 ? PageRequest.DefaultLimit : Math.Min(request.PageSize, PageRequest.MaxLimit);
        return new FindingPage(limit, sort, after);
    }
}
