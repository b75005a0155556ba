using System.Text.Json.Nodes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class TenantsCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_Json_PrintsItemsAndNextCursor()
    {
        var run = await RunAsync("tenants", "list", "--output", "json", "--limit", "5", "--cursor", "");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.Equal(["items", "nextCursor"], json.Select(property => property.Key));
        Assert.Equal("acme", json["items"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("tn-acme", json["items"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("2025-06-01T12:00:00Z", json["items"]![0]!["createdAt"]!.GetValue<string>());
        Assert.Equal("page-2", json["nextCursor"]!.GetValue<string>());
        Assert.Equal(5, ControlPlane.State.Last<ListTenantsRequest>().PageSize);
    }

    [Fact]
    public async Task List_Cursor_IsPassedAsPageToken()
    {
        var run = await RunAsync("tenants", "list", "--cursor", "page-2", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("page-2", ControlPlane.State.Last<ListTenantsRequest>().PageToken);
        Assert.Null(JsonNode.Parse(run.Out)!["nextCursor"]);
    }

    [Fact]
    public async Task List_Table_PrintsAlignedColumnsAndCursorHint()
    {
        var run = await RunAsync("tenants", "list");

        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
        Assert.Equal("ID       NAME  CREATED", lines[0]);
        Assert.Equal("tn-acme  acme  2025-06-01T12:00:00Z", lines[1]);
        Assert.Equal("tn-beta  beta  2025-06-01T12:00:00Z", lines[2]);
        Assert.Equal("more results: --cursor page-2", lines[3]);
    }

    [Fact]
    public async Task Get_ByName_PrintsTheTenant()
    {
        var run = await RunAsync("tenants", "get", "acme", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("tn-acme", JsonNode.Parse(run.Out)!["id"]!.GetValue<string>());
        Assert.Equal("acme", ControlPlane.State.Last<GetTenantRequest>().Tenant);
    }

    [Fact]
    public async Task Create_Json_PrintsTheObjectItself()
    {
        var run = await RunAsync("tenants", "create", "globex", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.Equal(["id", "name", "createdAt"], json.Select(property => property.Key));
        Assert.Equal("globex", json["name"]!.GetValue<string>());
    }
}
