using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat assets components ASSET</c>: the software components on an asset (from SBOM scans such as cdxgen).</summary>
public static partial class AssetsCommand
{
    private static readonly TableColumn<AssetComponent>[] ComponentColumns =
    [
        new("NAME", component => component.Name),
        new("VERSION", component => component.Version),
        new("TYPE", component => component.Type),
        new("PURL", component => component.Purl),
        new("FIRST SEEN", component => CellFormat.Time(component.FirstSeen)),
        new("LAST SEEN", component => CellFormat.Time(component.LastSeen)),
    ];

    private static Command ComponentsCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ASSET") { Description = "An asset id" };
        var command = new Command("components", "List the software components on an asset, oldest first") { id };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AssetService.AssetServiceClient(invoker), cancellationToken);
            var request = new ListAssetComponentsRequest
            {
                AssetId = context.GetValue(id) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListAssetComponentsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, ComponentColumns);
        });
        return command;
    }
}
