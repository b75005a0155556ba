using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.ControlPlane.Core.Services;
using AuditHead = SecPlatform.ControlPlane.Core.Domain.AuditHead;

namespace SecPlatform.ControlPlane.Api;

internal sealed class AuditApi(AdminAuthenticator auth, AuditLog audit) : AuditService.AuditServiceBase
{
    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        long after = 0;
        if (!string.IsNullOrEmpty(request.PageToken) && (!long.TryParse(request.PageToken, out after) || after < 0))
        {
            throw DomainException.Invalid("page_token is not a cursor from a previous page");
        }

        var limit = CallContextExtensions.Page(request.PageSize, null).Limit;
        var items = await audit.ListAsync(caller, after, limit, context.CancellationToken);
        var response = new ListAuditEventsResponse { NextPageToken = items.Count == limit ? items[^1].Sequence.ToString() : "" };
        response.Items.Add(items.Select(ProtoMapper.ToProto));
        return response;
    }

    public override async Task<VerifyAuditChainResponse> VerifyAuditChain(VerifyAuditChainRequest request, ServerCallContext context)
    {
        var caller = await context.AdminAsync(auth);
        if (request.ExpectedCount < 0 || (request.ExpectedCount > 0) != !string.IsNullOrEmpty(request.ExpectedHeadHash))
        {
            throw DomainException.Invalid("give both expected_count and expected_head_hash (a published head), or neither");
        }

        var expected = request.ExpectedCount > 0 ? new AuditHead(request.ExpectedCount, request.ExpectedHeadHash) : null;
        var result = await audit.VerifyAsync(caller, expected, context.CancellationToken);
        return new VerifyAuditChainResponse
        {
            Ok = result.Ok,
            Count = result.Count,
            HeadHash = result.HeadHash,
            FirstBrokenSequence = result.FirstBrokenSequence,
            Problem = result.Problem,
        };
    }
}
