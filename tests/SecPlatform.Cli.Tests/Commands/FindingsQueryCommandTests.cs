using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Testing;

namespace SecPlatform.Cli.Tests.Commands;

/// <summary><c>findings list --sort/--output csv</c>, <c>findings summary</c> and <c>findings export</c>.</summary>
public sealed class FindingsQueryCommandTests : CommandTestBase
{
    [Fact]
    public async Task List_SortAndCsv_SortSentAndRfc4180WithFormulasNeutralizedAndCursorOnStderr()
    {
        var run = await RunAsync("findings", "list", "--tenant", "acme", "--sort", "-severity,last_seen", "--output", "csv");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("-severity,last_seen", ControlPlane.State.Last<ListFindingsRequest>().Sort);
        var records = CsvReader.Parse(run.Out);
        Assert.Equal(["ID", "STATUS", "SEVERITY", "SCANNER", "RULE", "ASSET", "LOCATION", "SEEN", "LAST SEEN", "TITLE"], records[0]);
        Assert.Equal(3, records.Count);
        Assert.Equal(["fnd000000001", "resolved", "low", "shellcheck", "SC2086"], records[1].Take(5));
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"x\")", records[2][9]);
        Assert.Equal("web-1:/srv/app/a, b.sh", records[2][5]);
        Assert.Equal("more results: --cursor f1.next", run.Error.Trim());
    }

    [Fact]
    public async Task Summary_Filters_MappedAndShownAsSeverityByStatusTableWithTotals()
    {
        var run = await RunAsync("findings", "summary", "--tenant", "acme", "--status", "open,false_positive", "--scanner", "shellcheck", "--since", "24h");

        Assert.True(run.ExitCode == 0, run.Error);
        var request = ControlPlane.State.Last<SummarizeFindingsRequest>();
        Assert.Equal(("acme", "shellcheck"), (request.Tenant, request.Scanner));
        Assert.Equal(["open", "false_positive"], request.Statuses);
        Assert.NotNull(request.Since);
        Assert.Equal(["SEVERITY", "OPEN", "RESOLVED", "REOPENED", "FALSE_POSITIVE", "ACCEPTED_RISK", "TOTAL"], run.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["critical", "1", "0", "0", "0", "0", "1"], run.OutLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["low", "2", "0", "0", "1", "0", "3"], run.OutLines[4].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["total", "3", "0", "0", "1", "0", "4"], run.OutLines[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Summary_CsvAndJson_MachineReadable()
    {
        var csv = await RunAsync("findings", "summary", "--tenant", "acme", "-o", "csv");
        Assert.True(csv.ExitCode == 0, csv.Error);
        var records = CsvReader.Parse(csv.Out);
        Assert.Equal(7, records.Count);
        Assert.Equal(["total", "3", "0", "0", "1", "0", "4"], records[^1]);

        var json = await RunAsync("findings", "summary", "--tenant", "acme", "-o", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        var root = System.Text.Json.JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("4", root.GetProperty("total").ToString());
    }

    [Fact]
    public async Task Export_Chunks_WrittenToStdoutAsOneDocumentEvenWhenAChunkSplitsACharacter()
    {
        var run = await RunAsync("findings", "export", "--tenant", "acme", "--format", "JSON", "--severity", "high", "--rule", "SC2086");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(FakeFindingService.ExportDocument, run.Out);
        var request = ControlPlane.State.Last<ExportFindingsRequest>();
        Assert.Equal(("json", "acme", "SC2086"), (request.Format, request.Tenant, request.RuleId));
        Assert.Equal([FindingSeverity.High], request.Severities);
    }

    [Theory]
    [InlineData("--format", "xlsx")]
    [InlineData("--status", "closed")]
    public async Task Export_BadOption_UsageErrorAndNoCall(string option, string value)
    {
        string[] args = option == "--format"
            ? ["findings", "export", "--tenant", "acme", option, value]
            : ["findings", "export", "--tenant", "acme", "--format", "csv", option, value];
        var run = await RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(value, run.Error);
        Assert.Empty(ControlPlane.State.Requests.OfType<ExportFindingsRequest>());
    }

    [Fact]
    public async Task Export_MissingFormatOrServerRefusal_OneLineAndNonZeroExit()
    {
        var missing = await RunAsync("findings", "export", "--tenant", "acme");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--format", missing.Error);

        var refused = await RunAsync("findings", "export", "--tenant", "other", "--format", "sarif");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Single(refused.ErrorLines);
        Assert.Contains("tenant 'other' not found", refused.Error);
        Assert.Empty(refused.Out);
    }
}
