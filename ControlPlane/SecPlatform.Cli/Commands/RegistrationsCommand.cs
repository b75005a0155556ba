using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat registrations list</c>: the trail of registration attempts, failed ones included.</summary>
public static class RegistrationsCommand
{
    private static readonly TableColumn<Registration>[] Columns =
    [
        new("TIME", registration => CellFormat.Time(registration.Time)),
        new("OUTCOME", registration => registration.Outcome),
        new("TOKEN", registration => registration.TokenId),
        new("PEER", registration => registration.PeerAddress),
        new("AGENT", registration => registration.AgentId),
        new("TENANT", registration => registration.TenantId),
        new("REASON", registration => registration.Reason),
    ];

    public static Command Create(CommandRunner runner) => new("registrations", "Inspect agent registration attempts")
    {
        ListCommand(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("list", "List registration attempts, failed ones included");
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AgentService.AgentServiceClient(invoker), cancellationToken);
            var request = new ListRegistrationsRequest { PageSize = paging.PageSize(context), PageToken = paging.PageToken(context) };
            var page = await client.ListRegistrationsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }
}
