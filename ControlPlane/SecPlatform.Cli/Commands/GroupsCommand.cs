using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Cli.Parsing;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// <c>secplat groups create|list|get|delete|add-asset|remove-asset|assets</c>: asset groups, static (explicit members) or
/// label-based (the assets whose labels match a selector, as they are when read).
/// </summary>
public static class GroupsCommand
{
    private static readonly TableColumn<AssetGroup>[] Columns =
    [
        new("ID", group => group.Id),
        new("NAME", group => group.Name),
        new("KIND", group => group.Kind),
        new("SELECTOR", group => CellFormat.Labels(group.Selector)),
        new("CREATED", group => CellFormat.Time(group.CreatedAt)),
        new("DESCRIPTION", group => group.Description),
    ];

    public static Command Create(CommandRunner runner) => new("groups", "Manage asset groups")
    {
        CreateCommand(runner),
        ListCommand(runner),
        GetCommand(runner),
        DeleteCommand(runner),
        MemberCommand(runner, add: true),
        MemberCommand(runner, add: false),
        AssetsCommand(runner),
    };

    private static Option<string?> Tenant() =>
        CliOptions.Tenant("The tenant (name or id) to find the group name in; not needed for a group id or when your admin key is bound to one tenant");

    private static Argument<string> Group() => new("GROUP") { Description = "A group name or id" };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "The group's name, unique in the tenant" };
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var selector = new Option<string[]>("--selector")
        {
            Description = "Make it label-based: its members are the assets with all these labels, comma-separated (repeatable)",
            HelpName = "KEY=VALUE[,KEY=VALUE...]",
        };
        selector.Validators.Add(result =>
        {
            if (!LabelParser.TryParse(Pairs(result.GetValueOrDefault<string[]>()), out _, out var error))
            {
                result.AddError(error!);
            }
        });
        var description = new Option<string?>("--description") { Description = "What the group is for", HelpName = "TEXT" };
        var command = new Command("create", "Create a static group, or a label-based one with --selector (audited)") { name, tenant, selector, description };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            LabelParser.TryParse(Pairs(context.GetValue(selector)), out var pairs, out _);
            var request = new CreateAssetGroupRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                Name = context.GetValue(name),
                Description = context.GetValue(description) ?? "",
                Selector = { pairs.ToDictionary(StringComparer.Ordinal) },
            };
            context.Output.WriteRow(await client.CreateAssetGroupAsync(request, context.Call(cancellationToken)), Columns);
        });
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var command = new Command("list", "List a tenant's asset groups, oldest first") { tenant };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var request = new ListAssetGroupsRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListAssetGroupsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var group = Group();
        var tenant = Tenant();
        var command = new Command("get", "Show one asset group") { group, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var found = await client.GetAssetGroupAsync(Request(context, group, tenant), context.Call(cancellationToken));
            context.Output.WriteDetail(found);
        });
        return command;
    }

    private static Command DeleteCommand(CommandRunner runner)
    {
        var group = Group();
        var tenant = Tenant();
        var command = new Command("delete", "Delete an asset group (its assets stay; audited)") { group, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var request = Request(context, group, tenant);
            await client.DeleteAssetGroupAsync(request, context.Call(cancellationToken));
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(new System.Text.Json.Nodes.JsonObject { ["deleted"] = request.Group });
            }
            else
            {
                context.Output.Text.WriteLine($"Asset group {request.Group} deleted.");
            }
        });
        return command;
    }

    private static Command MemberCommand(CommandRunner runner, bool add)
    {
        var group = Group();
        var asset = new Argument<string>("ASSET") { Description = "An asset id" };
        var tenant = Tenant();
        var command = add
            ? new Command("add-asset", "Add an asset to a static group (a label-based group follows its selector; audited)") { group, asset, tenant }
            : new Command("remove-asset", "Remove an asset from a static group (audited)") { group, asset, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var request = new AssetGroupMemberRequest
            {
                Group = context.GetValue(group),
                Tenant = context.GetValue(tenant) ?? "",
                AssetId = context.GetValue(asset),
            };
            var changed = add
                ? await client.AddAssetGroupMemberAsync(request, context.Call(cancellationToken))
                : await client.RemoveAssetGroupMemberAsync(request, context.Call(cancellationToken));
            context.Output.WriteRow(changed, Columns);
        });
        return command;
    }

    private static Command AssetsCommand(CommandRunner runner)
    {
        var group = Group();
        var tenant = Tenant();
        var command = new Command("assets", "List a group's assets now (a label-based group's: the assets its selector matches)") { group, tenant };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var request = new ListAssetGroupMembersRequest
            {
                Group = context.GetValue(group),
                Tenant = context.GetValue(tenant) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListAssetGroupMembersAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Commands.AssetsCommand.ListColumns);
        });
        return command;
    }

    private static Task<AssetGroupService.AssetGroupServiceClient> Client(CommandContext context, CancellationToken cancellationToken) =>
        context.ClientAsync(invoker => new AssetGroupService.AssetGroupServiceClient(invoker), cancellationToken);

    private static AssetGroupRequest Request(CommandContext context, Argument<string> group, Option<string?> tenant) =>
        new() { Group = context.GetValue(group), Tenant = context.GetValue(tenant) ?? "" };

    // --selector env=prod,team=web and --selector env=prod --selector team=web mean the same.
    private static IEnumerable<string> Pairs(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
