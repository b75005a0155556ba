using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Knows one scan, "scn000000001" (from profile "nightly"), and one profile, "nightly" ("prf000000001"); anything else is not found.</summary>
public sealed class FakeScanService(FakeState state) : ScanService.ScanServiceBase
{
    public const string ScanId = "scn000000001";
    public const string ProfileId = "prf000000001";

    public static Scan SampleScan() => new()
    {
        Id = ScanId,
        TenantId = "tn-acme",
        Scanner = "shellcheck",
        Parameters = { ["path"] = "/srv/app" },
        Profile = "nightly",
        AgentId = "ag-web-1",
        Status = CommandStatus.Succeeded,
        Attempt = 1,
        CreatedAt = FakeData.NowTimestamp,
        StartedAt = FakeData.NowTimestamp,
        FinishedAt = FakeData.NowTimestamp,
        FindingsNew = 3,
        FindingsSeenAgain = 2,
        FindingsResolved = 1,
        High = 4,
        Low = 1,
    };

    public static ScanProfile SampleProfile() => new()
    {
        Id = ProfileId,
        TenantId = "tn-acme",
        Name = "nightly",
        Scanner = "shellcheck",
        Parameters = { ["path"] = "/srv/app" },
        RequiredCapabilities = { "shellcheck" },
        MaxAttempts = 3,
        TimeoutSeconds = 600,
        CreatedAt = FakeData.NowTimestamp,
        CreatedBy = "adm1",
    };

    public override Task<ListScansResponse> ListScans(ListScansRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListScansResponse { Items = { SampleScan() } });
    }

    public override Task<Scan> GetScan(GetScanRequest request, ServerCallContext context)
    {
        state.Record(request);
        return request.Id == ScanId
            ? Task.FromResult(SampleScan())
            : throw new RpcException(new Status(StatusCode.NotFound, $"scan '{request.Id}' not found"));
    }

    public override Task<ScanProfile> CreateScanProfile(CreateScanProfileRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.Name == "nightly")
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, "tenant 'acme' has a scan profile named 'nightly' already"));
        }

        var created = SampleProfile();
        created.Name = request.Name;
        created.Scanner = request.Scanner;
        created.Parameters.Clear();
        created.Parameters.Add(request.Parameters);
        return Task.FromResult(created);
    }

    public override Task<ListScanProfilesResponse> ListScanProfiles(ListScanProfilesRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(new ListScanProfilesResponse { Items = { SampleProfile() } });
    }

    public override Task<ScanProfile> GetScanProfile(GetScanProfileRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Known(request.Profile);
    }

    public override Task<ScanProfile> DeleteScanProfile(DeleteScanProfileRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Known(request.Profile);
    }

    private static Task<ScanProfile> Known(string profile) => profile is "nightly" or ProfileId
        ? Task.FromResult(SampleProfile())
        : throw new RpcException(new Status(StatusCode.NotFound, $"scan profile '{profile}' not found"));
}
