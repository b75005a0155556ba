using Google.Protobuf;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Api.Export;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Api;

internal sealed class FindingApi(AdminAuthenticator auth, Core.Services.FindingService findings) : Contracts.Admin.V1.FindingService.FindingServiceBase
{
    public override async Task<ListFindingsResponse> ListFindings(ListFindingsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = FindingRequestMapper.ToPage(request);
        var items = await findings.ListAsync(caller, request.Tenant, request.CommandId, FindingRequestMapper.ToQuery(request), page,
            context.CancellationToken);
        var response = new ListFindingsResponse
        {
            NextPageToken = items.Count == page.Limit && items.Count > 0 ? FindingCursor.After(page.Sort, items[^1]).Encode() : "",
        };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Contracts.Admin.V1.FindingSummary> SummarizeFindings(SummarizeFindingsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var summary = await findings.SummarizeAsync(caller, request.Tenant, request.CommandId, FindingRequestMapper.ToQuery(request),
            context.CancellationToken);
        return ProtoMapper.ToProto(summary);
    }

    public override async Task ExportFindings(ExportFindingsRequest request, IServerStreamWriter<ExportFindingsChunk> responseStream,
        ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var format = request.Format.Trim().ToLowerInvariant();
        var writer = FindingExportWriter.For(format)
            ?? throw DomainException.Invalid($"format must be one of {string.Join(", ", FindingExportWriter.Formats)}");
        var pages = await findings.ExportAsync(caller, request.Tenant, request.CommandId, FindingRequestMapper.ToQuery(request), format,
            context.CancellationToken);
        writer.Begin();
        await responseStream.WriteAsync(new ExportFindingsChunk { ContentType = writer.ContentType, Data = ByteString.CopyFrom(writer.Take()) },
            context.CancellationToken);
        await foreach (var page in pages.WithCancellation(context.CancellationToken))
        {
            writer.Write(page);
            await responseStream.WriteAsync(new ExportFindingsChunk { Data = ByteString.CopyFrom(writer.Take()) }, context.CancellationToken);
        }

        writer.End();
        await responseStream.WriteAsync(new ExportFindingsChunk { Data = ByteString.CopyFrom(writer.Take()) }, context.CancellationToken);
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
