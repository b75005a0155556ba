using System.Text;
using System.Text.Json;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;
using AgentFinding = SecPlatform.Contracts.Agent.V1.Finding;
using AgentSeverity = SecPlatform.Contracts.Agent.V1.Severity;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>
/// Sorted lists, summaries and exports through the real API, on findings that an agent delivered over gRPC (the
/// real ingest path): validation, the cursor's sort check, tenant scope, and each export format's document.
/// </summary>
public abstract class FindingQueryApiTests : ControlPlaneApiTests
{
    private const string AgentHost = "agent-1.example.test";

    [Fact]
    public async Task ListFindings_SortedPages_FollowTheSortAndACursorOfAnotherSortIsRefused()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);

        var ids = new List<string>();
        var severities = new List<FindingSeverity>();
        var request = new ListFindingsRequest { Tenant = tenant, Sort = "-severity", PageSize = 2 };
        string token;
        do
        {
            var page = await cp.Findings().ListFindingsAsync(request);
            ids.AddRange(page.Items.Select(f => f.Id));
            severities.AddRange(page.Items.Select(f => f.Severity));
            token = page.NextPageToken;
            request.PageToken = token;
        }
        while (token.Length > 0);

        Assert.Equal(6, ids.Distinct().Count());
        Assert.Equal(severities.OrderDescending(), severities);
        Assert.Equal(FindingSeverity.Critical, severities[0]);

        var first = await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant, Sort = "-severity", PageSize = 2 });
        var otherSort = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().ListFindingsAsync(
            new ListFindingsRequest { Tenant = tenant, Sort = "last_seen", PageSize = 2, PageToken = first.NextPageToken }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, otherSort.StatusCode);
        Assert.Contains("sorted by '-severity'", otherSort.Status.Detail, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().ListFindingsAsync(
            new ListFindingsRequest { Tenant = tenant, Sort = "colour" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("unknown field 'colour'", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("last_seen", unknown.Status.Detail, StringComparison.Ordinal);
        var garbage = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().ListFindingsAsync(
            new ListFindingsRequest { Tenant = tenant, PageToken = "f1.!!" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
    }

    [Fact]
    public async Task SummarizeFindings_CountsEverySeverityAndStatusWithTheListFilters()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);

        var summary = await cp.Findings().SummarizeFindingsAsync(new SummarizeFindingsRequest { Tenant = tenant });
        Assert.Equal(6, summary.Total);
        Assert.Equal(
            [(FindingSeverity.Critical, 1L), (FindingSeverity.High, 2L), (FindingSeverity.Medium, 2L), (FindingSeverity.Low, 1L), (FindingSeverity.Info, 0L)],
            summary.BySeverity.Select(c => (c.Severity, c.Count)));
        Assert.Equal([("open", 5L), ("resolved", 0L), ("reopened", 0L), ("false_positive", 1L), ("accepted_risk", 0L)],
            summary.ByStatus.Select(c => (c.Status, c.Count)));
        Assert.Equal(6, summary.BySeverityAndStatus.Sum(c => c.Count));
        Assert.Contains(summary.BySeverityAndStatus, c => (c.Severity, c.Status, c.Count) == (FindingSeverity.Low, "false_positive", 1L));

        var filtered = await cp.Findings().SummarizeFindingsAsync(new SummarizeFindingsRequest
        {
            Tenant = tenant, Scanner = "nmap", Statuses = { "open" },
        });
        Assert.Equal(2, filtered.Total);
        Assert.Equal(2, filtered.BySeverity.Single(c => c.Severity == FindingSeverity.Medium).Count);

        var bad = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().SummarizeFindingsAsync(
            new SummarizeFindingsRequest { Tenant = tenant, Statuses = { "closed" } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("status must be one of", bad.Status.Detail, StringComparison.Ordinal);
        var noTenant = await Assert.ThrowsAsync<RpcException>(() => cp.Findings().SummarizeFindingsAsync(new SummarizeFindingsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noTenant.StatusCode);
    }

    [Fact]
    public async Task SummarizeAndExport_OtherTenantsAdmin_SameAnswerAsAMissingTenant()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);
        var other = await cp.CreateTenantAsync();
        var otherAdmin = (await cp.Admins().CreateAdminUserAsync(
            new CreateAdminUserRequest { Name = "ops-b", Role = AdminRole.OpsAdmin, Tenant = other.Name })).ApiKey;

        async Task<RpcException> SummarizeAsync(string name) => await Assert.ThrowsAsync<RpcException>(() =>
            cp.Findings(otherAdmin).SummarizeFindingsAsync(new SummarizeFindingsRequest { Tenant = name }).ResponseAsync);
        async Task<RpcException> ExportAsync(string name) => await Assert.ThrowsAsync<RpcException>(() =>
            ReadExportAsync(cp, new ExportFindingsRequest { Tenant = name, Format = "csv" }, otherAdmin));

        foreach (var refused in new[] { (await SummarizeAsync(tenant), await SummarizeAsync("no-such-tenant")), (await ExportAsync(tenant), await ExportAsync("no-such-tenant")) })
        {
            Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (refused.Item1.StatusCode, refused.Item2.StatusCode));
            Assert.Equal(refused.Item1.Status.Detail.Replace(tenant, "T"), refused.Item2.Status.Detail.Replace("no-such-tenant", "T"));
        }

        // Its own tenant: nothing of the other's.
        Assert.Equal(0, (await cp.Findings(otherAdmin).SummarizeFindingsAsync(new SummarizeFindingsRequest())).Total);
        var (_, own) = await ReadExportAsync(cp, new ExportFindingsRequest { Format = "json" }, otherAdmin);
        Assert.Equal(0, JsonDocument.Parse(own).RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task ExportFindings_Sarif_OneRunPerScannerAndMicrosoftsValidatorFindsNoErrors()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);

        var (contentType, document) = await ReadExportAsync(cp, new ExportFindingsRequest { Tenant = tenant, Format = "sarif" });
        Assert.Equal("application/sarif+json", contentType);
        using var sarif = JsonDocument.Parse(document);
        var root = sarif.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["nmap", "shellcheck"], runs.Select(r => r.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString()));
        var results = runs.SelectMany(r => r.GetProperty("results").EnumerateArray()).ToList();
        Assert.Equal(6, results.Count);
        var listed = (await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant })).Items;
        Assert.Equal(listed.Select(f => f.Fingerprint).Order(StringComparer.Ordinal),
            results.Select(r => r.GetProperty("partialFingerprints").GetProperty("secplatformFingerprint/v1").GetString()).Order(StringComparer.Ordinal));

        var critical = results.Single(r => r.GetProperty("properties").GetProperty("severity").GetString() == "critical");
        Assert.Equal("error", critical.GetProperty("level").GetString());
        var physical = critical.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("file:///srv/app/a.sh", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(3, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        var network = results.Where(r => r.GetProperty("ruleId").GetString() == "open-port").ToList();
        Assert.All(network, r => Assert.Equal("warning", r.GetProperty("level").GetString()));
        Assert.Equal(["192.0.2.10:22/tcp", "192.0.2.10:80/tcp"], network
            .Select(r => r.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("fullyQualifiedName").GetString())
            .Order(StringComparer.Ordinal));
        var triaged = results.Single(r => r.GetProperty("properties").GetProperty("status").GetString() == "false_positive");
        Assert.Equal("note", triaged.GetProperty("level").GetString());
        Assert.Equal("external", triaged.GetProperty("suppressions")[0].GetProperty("kind").GetString());
        Assert.Single(results, r => r.TryGetProperty("suppressions", out _));
        Assert.Equal(listed.Single(f => f.Status == "false_positive").Id, triaged.GetProperty("properties").GetProperty("findingId").GetString());

        var file = Path.Combine(cp.DataDir, "export.sarif");
        await File.WriteAllTextAsync(file, document);
        var problems = await SarifMultitool.ValidateAsync(file);
        Assert.True(problems.Count == 0, "sarif-multitool validate reported errors:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task ExportFindings_Csv_Rfc4180WithHeaderQuotingAndFormulasNeutralized()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);

        var (contentType, document) = await ReadExportAsync(cp, new ExportFindingsRequest { Tenant = tenant, Format = "csv", Scanner = "shellcheck" });
        Assert.StartsWith("text/csv", contentType, StringComparison.Ordinal);
        var records = CsvReader.Parse(document);
        var header = records[0];
        Assert.Equal(["id", "tenant_id", "status", "severity", "scanner", "rule_id", "title"], header.Take(7));
        Assert.All(records, r => Assert.Equal(header.Length, r.Length));
        Assert.Equal(4, records.Count - 1);
        var rows = records.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.All(rows, r => Assert.Equal("shellcheck", r["scanner"]));

        var tricky = rows.Single(r => r["file"] == "/srv/app/tricky.sh");
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", tricky["title"]);
        Assert.Equal("line one, with a comma\nline \"two\"", tricky["message"]);
        Assert.Equal("'@SUM(1+1)", tricky["evidence"]);
        Assert.Equal("CVE-2024-0001;CVE-2024-0002", tricky["cves"]);
        Assert.Equal("7", tricky["line"]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportFindings_Json_EveryMatchingFindingAsTheListShowsIt()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);

        var (contentType, document) = await ReadExportAsync(cp, new ExportFindingsRequest
        {
            Tenant = tenant, Format = "JSON", Severities = { FindingSeverity.High, FindingSeverity.Critical },
        });
        Assert.Equal("application/json", contentType);
        var exported = JsonDocument.Parse(document).RootElement.GetProperty("findings").EnumerateArray().ToList();
        var listed = (await cp.Findings().ListFindingsAsync(new ListFindingsRequest
        {
            Tenant = tenant, Severities = { FindingSeverity.High, FindingSeverity.Critical },
        })).Items;
        Assert.Equal(3, exported.Count);
        Assert.Equal(listed.Select(f => f.Id).Order(StringComparer.Ordinal), exported.Select(f => f.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(exported, f => Assert.True(f.TryGetProperty("fingerprint", out _) && f.TryGetProperty("lastSeen", out _)));
    }

    [Fact]
    public async Task ExportFindings_BadFormatOrFilter_InvalidArgumentBeforeAnyOutput()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);

        var format = await Assert.ThrowsAsync<RpcException>(() => ReadExportAsync(cp, new ExportFindingsRequest { Tenant = tenant, Format = "xlsx" }));
        Assert.Equal(StatusCode.InvalidArgument, format.StatusCode);
        Assert.Contains("sarif, csv, json", format.Status.Detail, StringComparison.Ordinal);
        var severity = await Assert.ThrowsAsync<RpcException>(() => ReadExportAsync(cp,
            new ExportFindingsRequest { Tenant = tenant, Format = "csv", Severities = { FindingSeverity.Unspecified } }));
        Assert.Equal(StatusCode.InvalidArgument, severity.StatusCode);
    }

    [Fact]
    public async Task JsonTranscoding_SummarizeSortedListAndExport_ServedOverHttpJson()
    {
        await using var cp = await StartAsync();
        var tenant = await SeedAsync(cp);
        using var http = new HttpClient { BaseAddress = cp.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cp.AdminKey);

        using var summary = JsonDocument.Parse(await http.GetStringAsync($"v1/findings:summarize?tenant={tenant}&statuses=open"));
        Assert.Equal("5", summary.RootElement.GetProperty("total").ToString());
        using var list = JsonDocument.Parse(await http.GetStringAsync($"v1/findings?tenant={tenant}&sort=-severity&pageSize=1"));
        Assert.Equal("FINDING_SEVERITY_CRITICAL", list.RootElement.GetProperty("items")[0].GetProperty("severity").GetString());
        Assert.NotEqual("", list.RootElement.GetProperty("nextPageToken").GetString());
        using var bad = await http.GetAsync($"v1/findings?tenant={tenant}&sort=colour");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);

        // A server-streaming export over HTTP: its chunks as JSON messages, the data base64.
        var exported = await http.GetStringAsync($"v1/findings:export?tenant={tenant}&format=csv&scanner=nmap");
        var chunks = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal("text/csv; charset=utf-8", chunks[0].GetProperty("contentType").GetString());
        var csv = string.Concat(chunks.Select(c => c.TryGetProperty("data", out var data) ? Encoding.UTF8.GetString(data.GetBytesFromBase64()) : ""));
        Assert.Equal(3, CsvReader.Parse(csv).Count);
    }

    /// <summary>The chunks of an export, concatenated, and the first chunk's content type.</summary>
    private static async Task<(string ContentType, string Document)> ReadExportAsync(TestControlPlane cp, ExportFindingsRequest request, string? key = null)
    {
        using var call = cp.Findings(key).ExportFindings(request);
        var contentType = "";
        using var bytes = new MemoryStream();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var chunk = call.ResponseStream.Current;
            if (bytes.Length == 0 && contentType.Length == 0)
            {
                contentType = chunk.ContentType;
            }

            chunk.Data.WriteTo(bytes);
        }

        return (contentType, Encoding.UTF8.GetString(bytes.ToArray()));
    }

    /// <summary>
    /// Six findings of one tenant, delivered by an agent: four shellcheck file findings (one with text that CSV must
    /// quote and neutralize, one triaged as a false positive) and two nmap services. Returns the tenant's name.
    /// </summary>
    private static async Task<string> SeedAsync(TestControlPlane cp)
    {
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name);
        var registration = ApiTestData.Registration(token.Secret);
        registration.Capabilities.Add(new Capability { Scanner = "nmap", Version = "7.93" });
        var agent = await cp.Gateway().RegisterAsync(registration);
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        var tricky = Script("tricky", AgentSeverity.High);
        tricky.Title = "=HYPERLINK(\"http://evil.example\",\"click\")";
        tricky.Message = "line one, with a comma\nline \"two\"";
        tricky.Evidence = "@SUM(1+1)";
        tricky.Line = 7;
        tricky.Cves.Add(["CVE-2024-0001", "CVE-2024-0002"]);
        await RunAsync(cp, gateway, tenant.Name, "shellcheck", [Script("a", AgentSeverity.Critical), Script("b", AgentSeverity.High), Script("c", AgentSeverity.Low), tricky]);
        cp.Time.Advance(TimeSpan.FromSeconds(1));
        await RunAsync(cp, gateway, tenant.Name, "nmap", [Service(22), Service(80)]);
        var c = (await cp.Findings().ListFindingsAsync(new ListFindingsRequest { Tenant = tenant.Name, Severities = { FindingSeverity.Low } })).Items.Single();
        await cp.Findings().SetFindingStatusAsync(new SetFindingStatusRequest { Id = c.Id, Status = "false_positive", Reason = "test file" });
        return tenant.Name;
    }

    private static async Task RunAsync(TestControlPlane cp, AgentGateway.AgentGatewayClient gateway, string tenant, string scanner, AgentFinding[] findings)
    {
        var enqueue = new EnqueueCommandRequest { Tenant = tenant, Scanner = scanner };
        if (scanner == "nmap")
        {
            enqueue.Parameters["host"] = "192.0.2.10";
            enqueue.Parameters["ports"] = "22,80";
        }
        else
        {
            enqueue.Parameters["path"] = "/srv/app";
        }

        await cp.Commands().EnqueueCommandAsync(enqueue);
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        using (var stream = gateway.StreamFindings())
        {
            var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = assigned.FencingToken };
            batch.Findings.Add(findings);
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(stream.ResponseStream.Current.Accepted);
            await stream.RequestStream.CompleteAsync();
        }

        var done = await gateway.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = assigned.FencingToken, Outcome = CommandOutcome.Succeeded, FindingCount = findings.Length,
        });
        Assert.Equal("succeeded", done.Status);
    }

    private static string Hash(string name) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static AgentFinding Script(string name, AgentSeverity severity) => new()
    {
        Fingerprint = Hash(name),
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Title = "Double quote to prevent globbing and word splitting.",
        Severity = severity,
        AssetKind = "path",
        AssetValue = $"{AgentHost}:/srv/app/{name}.sh",
        Host = AgentHost,
        File = $"/srv/app/{name}.sh",
        Line = 3,
        Column = 5,
        Message = "Double quote to prevent globbing and word splitting.",
    };

    private static AgentFinding Service(int port) => new()
    {
        Fingerprint = Hash($"service-{port}"),
        Scanner = "nmap",
        RuleId = "open-port",
        Title = $"Open port {port}/tcp",
        Severity = AgentSeverity.Medium,
        AssetKind = "ip",
        AssetValue = "192.0.2.10",
        Host = "192.0.2.10",
        Port = port,
        Protocol = "tcp",
        Message = $"{port}/tcp open",
    };
}
