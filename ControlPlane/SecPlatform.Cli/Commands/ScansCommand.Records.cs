using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat scans list|get</c>: scan records, one per command, with what each found.</summary>
public static partial class ScansCommand
{
    private static readonly TableColumn<Scan>[] ScanColumns =
    [
        new("ID", scan => scan.Id),
        new("SCANNER", scan => scan.Scanner),
        new("PROFILE", scan => scan.Profile),
        new("STATUS", scan => CellFormat.Word(scan.Status)),
        new("AGENT", scan => scan.AgentId),
        new("STARTED", scan => CellFormat.Time(scan.StartedAt)),
        new("ENDED", scan => CellFormat.Time(scan.FinishedAt)),
        new("NEW", scan => CellFormat.Number(scan.FindingsNew)),
        new("SEEN AGAIN", scan => CellFormat.Number(scan.FindingsSeenAgain)),
        new("RESOLVED", scan => CellFormat.Number(scan.FindingsResolved)),
        new("CRIT/HIGH/MED/LOW/INFO", scan => $"{scan.Critical}/{scan.High}/{scan.Medium}/{scan.Low}/{scan.Info}"),
    ];

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var status = new Option<string?>("--status")
        {
            Description = "Only scans in these statuses, comma-separated (queued, claimed, running, succeeded, failed, canceled, expired)",
            HelpName = "STATUS[,STATUS...]",
            CustomParser = CommandsCommand.ParseStatuses,
        };
        var scanner = new Option<string?>("--scanner") { Description = "Only scans of this scanner", HelpName = "SCANNER" };
        var profile = new Option<string?>("--profile") { Description = "Only scans queued from this profile", HelpName = "NAME" };
        var command = new Command("list", "List a tenant's scans, oldest first, with their finding counts") { tenant, status, scanner, profile };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new ScanService.ScanServiceClient(invoker), cancellationToken);
            var request = new ListScansRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                Status = context.GetValue(status) ?? "",
                Scanner = context.GetValue(scanner) ?? "",
                Profile = context.GetValue(profile) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListScansAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, ScanColumns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "A scan id (the id of its command)" };
        var command = new Command("get", "Show one scan record: target, profile, agent, times, status and finding counts") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new ScanService.ScanServiceClient(invoker), cancellationToken);
            var scan = await client.GetScanAsync(new GetScanRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteDetail(scan);
        });
        return command;
    }
}
