using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat tenants create|list|get</c>.</summary>
public static class TenantsCommand
{
    private static readonly TableColumn<Tenant>[] Columns =
    [
        new("ID", tenant => tenant.Id),
        new("NAME", tenant => tenant.Name),
        new("CREATED", tenant => CellFormat.Time(tenant.CreatedAt)),
    ];

    public static Command Create(CommandRunner runner) => new("tenants", "Create and inspect tenants")
    {
        CreateCommand(runner),
        ListCommand(runner),
        GetCommand(runner),
    };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Argument<string>("NAME")
        {
            Description = "Lowercase letters, digits and '-', 2 to 63 characters, starting with a letter",
        };
        var command = new Command("create", "Create a tenant") { name };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new TenantService.TenantServiceClient(invoker), cancellationToken);
            var tenant = await client.CreateTenantAsync(new CreateTenantRequest { Name = context.GetValue(name) }, context.Call(cancellationToken));
            context.Output.WriteRow(tenant, Columns);
        });
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("list", "List tenants");
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new TenantService.TenantServiceClient(invoker), cancellationToken);
            var request = new ListTenantsRequest { PageSize = paging.PageSize(context), PageToken = paging.PageToken(context) };
            var page = await client.ListTenantsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var tenant = new Argument<string>("TENANT") { Description = "A tenant name or id" };
        var command = new Command("get", "Show one tenant") { tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new TenantService.TenantServiceClient(invoker), cancellationToken);
            var found = await client.GetTenantAsync(new GetTenantRequest { Tenant = context.GetValue(tenant) }, context.Call(cancellationToken));
            context.Output.WriteDetail(found);
        });
        return command;
    }
}
