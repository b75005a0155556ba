using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat findings list|get</c>: a tenant's findings, deduplicated by fingerprint.</summary>
public static class FindingsCommand
{
    private static readonly TableColumn<Finding>[] Columns =
    [
        new("ID", finding => finding.Id),
        new("SEVERITY", finding => CellFormat.Word(finding.Severity)),
        new("SCANNER", finding => finding.Scanner),
        new("RULE", finding => finding.RuleId),
        new("ASSET", finding => finding.AssetValue),
        new("LOCATION", finding => Location(finding)),
        new("SEEN", finding => CellFormat.Number(finding.Occurrences)),
        new("LAST SEEN", finding => CellFormat.Time(finding.LastSeen)),
        new("TITLE", finding => finding.Title),
    ];

    public static Command Create(CommandRunner runner) => new("findings", "Inspect findings")
    {
        ListCommand(runner),
        GetCommand(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var commandId = new Option<string?>("--command") { Description = "Only the findings that this command's accepted run observed" };
        var command = new Command("list", "List a tenant's findings") { tenant, commandId };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var request = new ListFindingsRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                CommandId = context.GetValue(commandId) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListFindingsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "A finding id" };
        var command = new Command("get", "Show one finding") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var finding = await client.GetFindingAsync(new GetFindingRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteDetail(finding);
        });
        return command;
    }

    private static string Location(Finding finding) =>
        finding.Port > 0 ? $"{finding.Protocol}/{finding.Port}"
        : finding.Line > 0 ? $"{finding.File}:{finding.Line}:{finding.Column}"
        : finding.File;
}
