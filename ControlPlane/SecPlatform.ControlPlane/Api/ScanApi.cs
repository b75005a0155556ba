using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

internal sealed class ScanApi(AdminAuthenticator auth, Core.Services.ScanService scans) : Contracts.Admin.V1.ScanService.ScanServiceBase
{
    public override async Task<ListScansResponse> ListScans(ListScansRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await scans.ListScansAsync(caller, request.Tenant, request.Status, request.Scanner, request.Profile, page, context.CancellationToken);
        var response = new ListScansResponse
        {
            NextPageToken = CallContextExtensions.NextPageToken(items, page, s => new(s.Command.CreatedAt, s.Command.Id)),
        };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<Scan> GetScan(GetScanRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await scans.GetScanAsync(caller, request.Id, context.CancellationToken));
    }

    public override async Task<ScanProfile> CreateScanProfile(CreateScanProfileRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var profile = await scans.CreateProfileAsync(caller, new ScanProfileRequest(request.Tenant, request.Name, request.Description,
            request.Scanner, request.Parameters, request.AgentId, request.Labels, request.RequiredCapabilities, request.Priority,
            request.MaxAttempts, request.TimeoutSeconds), context.CancellationToken);
        return ProtoMapper.ToProto(profile);
    }

    public override async Task<ListScanProfilesResponse> ListScanProfiles(ListScanProfilesRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        var page = CallContextExtensions.Page(request.PageSize, request.PageToken);
        var items = await scans.ListProfilesAsync(caller, request.Tenant, page, context.CancellationToken);
        var response = new ListScanProfilesResponse { NextPageToken = CallContextExtensions.NextPageToken(items, page, p => new(p.CreatedAt, p.Id)) };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<ScanProfile> GetScanProfile(GetScanProfileRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await scans.GetProfileAsync(caller, request.Tenant, request.Profile, context.CancellationToken));
    }

    public override async Task<ScanProfile> DeleteScanProfile(DeleteScanProfileRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        return ProtoMapper.ToProto(await scans.DeleteProfileAsync(caller, request.Tenant, request.Profile, context.CancellationToken));
    }
}
