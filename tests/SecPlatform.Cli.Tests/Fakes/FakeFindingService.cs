using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Knows one finding, "fnd000000001" of tenant tn-acme, with one status change; any other id is not found.</summary>
public sealed class FakeFindingService(FakeState state) : FindingService.FindingServiceBase
{
    public const string FindingId = "fnd000000001";

    public static Finding Sample() => new()
    {
        Id = FindingId,
        TenantId = "tn-acme",
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Title = "Double quote to prevent globbing",
        Severity = FindingSeverity.Low,
        AssetKind = "path",
        AssetValue = "web-1:/srv/app/run.sh",
        Host = "web-1",
        File = "/srv/app/run.sh",
        Line = 3,
        Column = 5,
        FirstSeen = FakeData.NowTimestamp,
        LastSeen = FakeData.NowTimestamp,
        Occurrences = 2,
        Status = "resolved",
    };

    public override Task<ListFindingsResponse> ListFindings(ListFindingsRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListFindingsResponse { Items = { Sample() } });
    }

    public override Task<Finding> GetFinding(GetFindingRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.Id != FindingId)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"finding '{request.Id}' not found"));
        }

        var finding = Sample();
        finding.History.Add(new FindingStatusChange
        {
            From = "open", To = "resolved", Reason = "not reported by a complete scan", Actor = "system", CommandId = "cmd000000007",
            ChangedAt = FakeData.NowTimestamp,
        });
        return Task.FromResult(finding);
    }

    public override Task<Finding> SetFindingStatus(SetFindingStatusRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.Id != FindingId)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"finding '{request.Id}' not found"));
        }

        var finding = Sample();
        finding.Status = request.Status;
        finding.History.Add(new FindingStatusChange
        {
            From = "resolved", To = request.Status, Reason = request.Reason, Actor = FakeControlPlane.AdminId, ChangedAt = FakeData.NowTimestamp,
        });
        return Task.FromResult(finding);
    }
}
