using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Api;

internal sealed class FindingApi(AdminAuthenticator auth, Core.Services.FindingService findings) : Contracts.Admin.V1.FindingService.FindingServiceBase
{
    public override async Task<ListFindingsResponse> ListFindings(ListFindingsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var filters = new FindingQuery(
            Statuses: [.. request.Statuses],
            // An unspecified severity maps to an undefined value, which validation refuses.
            Severities: [.. request.Severities.Select(s => (Core.Domain.Severity)(int)s)],
            Scanner: string.IsNullOrEmpty(request.Scanner) ? null : request.Scanner,
            RuleId: string.IsNullOrEmpty(request.RuleId) ? null : request.RuleId,
            Since: request.Since?.ToDateTimeOffset(),
            AssetId: string.IsNullOrEmpty(request.Asset) ? null : request.Asset,
            GroupId: string.IsNullOrEmpty(request.Group) ? null : request.Group,
            Cve: string.IsNullOrEmpty(request.Cve) ? null : request.Cve);
        var items = await findings.ListAsync(caller, request.Tenant, request.CommandId, filters, page, context.CancellationToken);
        var response = new ListFindingsResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, f => new(f.FirstSeen, f.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Finding> GetFinding(GetFindingRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var finding = await findings.GetAsync(caller, request.Id, context.CancellationToken);
        return ProtoMapper.ToProto(finding, await findings.HistoryAsync(caller, finding.Id, context.CancellationToken));
    }

    public override async Task<Finding> SetFindingStatus(SetFindingStatusRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var finding = await findings.SetStatusAsync(caller, request.Id, request.Status, request.Reason, context.CancellationToken);
        return ProtoMapper.ToProto(finding, await findings.HistoryAsync(caller, finding.Id, context.CancellationToken));
    }
}
