using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat findings summary</c>: how many findings match, as a severity x status table with totals.</summary>
public static class FindingsSummaryCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("summary", "Count a tenant's findings by severity and status (the same filters as list)");
        var filters = FindingFilterOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var summary = await client.SummarizeFindingsAsync(filters.Apply(context, new SummarizeFindingsRequest()), context.Call(cancellationToken));
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(ProtoJsonConverter.ToJson(summary));
                return;
            }

            var (rows, columns) = Matrix(summary);
            if (context.Output.IsCsv)
            {
                CsvWriter.Write(context.Output.Text, rows, columns);
            }
            else
            {
                TableWriter.Write(context.Output.Text, rows, columns);
            }
        });
        return command;
    }

    /// <summary>One row per severity (most severe first) and a total row; one column per status and a total column.</summary>
    private static (List<Row> Rows, List<TableColumn<Row>> Columns) Matrix(FindingSummary summary)
    {
        var statuses = summary.ByStatus.Select(s => s.Status).ToList();
        var cells = summary.BySeverityAndStatus.ToDictionary(c => (c.Severity, c.Status), c => c.Count);
        var rows = summary.BySeverity
            .Select(s => new Row(CellFormat.Word(s.Severity) ?? "", statuses.Select(status => cells.GetValueOrDefault((s.Severity, status))).ToList(), s.Count))
            .Append(new Row("total", [.. summary.ByStatus.Select(s => s.Count)], summary.Total))
            .ToList();
        var columns = new List<TableColumn<Row>> { new("SEVERITY", row => row.Severity) };
        columns.AddRange(statuses.Select((status, index) => new TableColumn<Row>(status.ToUpperInvariant(), row => CellFormat.Number(row.Counts[index]))));
        columns.Add(new TableColumn<Row>("TOTAL", row => CellFormat.Number(row.Total)));
        return (rows, columns);
    }

    private sealed record Row(string Severity, List<long> Counts, long Total);
}
