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
        var tricky = Sample();
        tricky.Id = "fnd000000002";
        tricky.Title = "=HYPERLINK(\"http://evil.example\",\"x\")";
        tricky.AssetValue = "web-1:/srv/app/a, b.sh";
        return Task.FromResult(new ListFindingsResponse { Items = { Sample(), tricky }, NextPageToken = request.Sort.Length > 0 ? "f1.next" : "" });
    }

    /// <summary>Critical: 1 open; low: 2 open and 1 false_positive; every other count 0.</summary>
    public override Task<FindingSummary> SummarizeFindings(SummarizeFindingsRequest request, ServerCallContext context)
    {
        state.Record(request);
        var summary = new FindingSummary { Total = 4 };
        summary.BySeverity.Add(new[] { FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Medium, FindingSeverity.Low, FindingSeverity.Info }
            .Select(s => new SeverityCount { Severity = s, Count = s switch { FindingSeverity.Critical => 1, FindingSeverity.Low => 3, _ => 0 } }));
        summary.ByStatus.Add(new[] { "open", "resolved", "reopened", "false_positive", "accepted_risk" }
            .Select(s => new StatusCount { Status = s, Count = s switch { "open" => 3, "false_positive" => 1, _ => 0 } }));
        summary.BySeverityAndStatus.Add(new SeverityStatusCount { Severity = FindingSeverity.Critical, Status = "open", Count = 1 });
        summary.BySeverityAndStatus.Add(new SeverityStatusCount { Severity = FindingSeverity.Low, Status = "open", Count = 2 });
        summary.BySeverityAndStatus.Add(new SeverityStatusCount { Severity = FindingSeverity.Low, Status = "false_positive", Count = 1 });
        return Task.FromResult(summary);
    }

    /// <summary>The text of every export; sent in three chunks, the second ending inside the two bytes of "Ü".</summary>
    public const string ExportDocument = "{\"findings\": [{\"title\": \"Ünïcode\"}]}\n";

    public override async Task ExportFindings(ExportFindingsRequest request, IServerStreamWriter<ExportFindingsChunk> responseStream,
        ServerCallContext context)
    {
        state.Record(request);
        if (request.Tenant == "other")
        {
            throw new RpcException(new Status(StatusCode.NotFound, "tenant 'other' not found"));
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(ExportDocument);
        var split = ExportDocument.IndexOf('Ü', StringComparison.Ordinal) + 1;
        await responseStream.WriteAsync(new ExportFindingsChunk { ContentType = "application/json", Data = Google.Protobuf.ByteString.CopyFrom(bytes, 0, 5) });
        await responseStream.WriteAsync(new ExportFindingsChunk { Data = Google.Protobuf.ByteString.CopyFrom(bytes, 5, split - 5) });
        await responseStream.WriteAsync(new ExportFindingsChunk { Data = Google.Protobuf.ByteString.CopyFrom(bytes, split, bytes.Length - split) });
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
