using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Cli.Parsing;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat assets list|get|label|components</c>: what a tenant's findings and components are on, created on first sight, and their labels.</summary>
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
        new("LABELS", asset => CellFormat.Labels(asset.Labels)),
    ];

    public static Command Create(CommandRunner runner) => new("assets", "Inspect assets")
    {
        ListCommand(runner),
        GetCommand(runner),
        LabelCommand(runner),
        ComponentsCommand(runner),
    };

    /// <summary>The columns of an asset list (also used by <c>groups assets</c>).</summary>
    internal static IReadOnlyList<TableColumn<Asset>> ListColumns => Columns;

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var kind = new Option<string?>("--kind") { Description = "Only assets of this kind (host, ip, url, repository, path)" };
        var labels = CliOptions.Labels("--label", "Only assets with this label (repeatable: every one must match)");
        var command = new Command("list", "List a tenant's assets, oldest first") { tenant, kind, labels };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AssetService.AssetServiceClient(invoker), cancellationToken);
            var request = new ListAssetsRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                Kind = context.GetValue(kind) ?? "",
                Labels = { CliOptions.KeyValueMap(context, labels).Select(pair => $"{pair.Key}={pair.Value}") },
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

    private static Command LabelCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ASSET") { Description = "An asset id" };
        var labels = new Argument<string[]>("KEY=VALUE") { Description = "Labels to set", Arity = ArgumentArity.ZeroOrMore };
        var remove = new Option<string[]>("--remove") { Description = "A label key to remove (repeatable)", HelpName = "KEY" };
        var command = new Command("label", "Set and remove an asset's labels, in one step (audited)") { id, labels, remove };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(labels)?.Length ?? 0) == 0 && (result.GetValue(remove)?.Length ?? 0) == 0)
            {
                result.AddError("give at least one label (KEY=VALUE) to set or one --remove KEY");
            }
            else if (!LabelParser.TryParse(result.GetValue(labels), out _, out var error))
            {
                result.AddError(error!);
            }
        });
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AssetService.AssetServiceClient(invoker), cancellationToken);
            LabelParser.TryParse(context.GetValue(labels), out var set, out _);
            var request = new SetAssetLabelsRequest
            {
                Id = context.GetValue(id),
                Labels = { set.ToDictionary(StringComparer.Ordinal) },
                Remove = { context.GetValue(remove) ?? [] },
            };
            var asset = await client.SetAssetLabelsAsync(request, context.Call(cancellationToken));
            context.Output.WriteDetail(asset);
        });
        return command;
    }
}
