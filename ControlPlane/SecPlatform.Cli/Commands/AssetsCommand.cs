using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat assets list|get|components</c>: what a tenant's findings and components are on, created on first sight.</summary>
public static partial class AssetsCommand
{
    private static readonly TableColumn<Asset>[] Columns =
    [
        new("ID", asset => asset.Id),
        new("KIND", asset => asset.Kind),
        new("VALUE", asset => asset.Value),
        new("HOST", asset => asset.Host),
        new("FIRST SEEN", asset => CellFormat.Time(asset.FirstSeen)),
        new("LAST SEEN", asset => CellFormat.Time(asset.LastSeen)),
    ];

    public static Command Create(CommandRunner runner) => new("assets", "Inspect assets")
    {
        ListCommand(runner),
        GetCommand(runner),
        ComponentsCommand(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var kind = new Option<string?>("--kind") { Description = "Only assets of this kind (host, ip, url, repository, path)" };
        var command = new Command("list", "List a tenant's assets, oldest first") { tenant, kind };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AssetService.AssetServiceClient(invoker), cancellationToken);
            var request = new ListAssetsRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                Kind = context.GetValue(kind) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListAssetsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "An asset id" };
        var command = new Command("get", "Show one asset") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AssetService.AssetServiceClient(invoker), cancellationToken);
            var asset = await client.GetAssetAsync(new GetAssetRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteDetail(asset);
        });
        return command;
    }
}
