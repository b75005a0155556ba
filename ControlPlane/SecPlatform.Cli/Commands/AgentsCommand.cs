using System.CommandLine;
using Grpc.Core;
using SecPlatform.Cli.Output;
using SecPlatform.Cli.Versions;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// <c>secplat agents list|get|cordon|uncordon|drain|revoke</c>. Tables flag an agent whose version is older than the control
/// plane's (from its discovery document) as <c>1.2.0 (outdated)</c>, comparing them as semantic versions.
/// </summary>
public static class AgentsCommand
{
    private const string PlatformScope = "platform";
    public const string OutdatedSuffix = " (outdated)";

    private static TableColumn<Agent>[] Columns(string? controlPlaneVersion) =>
    [
        new("ID", agent => agent.Id),
        new("NAME", agent => agent.Name),
        new("TENANT", agent => agent.Platform ? PlatformScope : agent.TenantId),
        new("HEALTH", agent => CellFormat.Word(agent.Health)),
        new("VERSION", agent => VersionCell(agent.Version, controlPlaneVersion)),
        new("LAST RENEW", agent => CellFormat.Time(agent.Lease?.RenewTime)),
        new("FLAGS", agent => CellFormat.Flags(("cordoned", agent.Cordoned), ("draining", agent.Draining), ("revoked", agent.Revoked))),
    ];

    /// <summary>The agent's version without build metadata, flagged when older than the control plane's.</summary>
    public static string VersionCell(string agentVersion, string? controlPlaneVersion)
    {
        var shown = agentVersion.Split('+', 2)[0];
        return SemanticVersion.IsOlder(agentVersion, controlPlaneVersion) ? shown + OutdatedSuffix : shown;
    }

    private delegate AsyncUnaryCall<Agent> AgentAction(AgentService.AgentServiceClient client, AgentActionRequest request, CallOptions options);

    public static Command Create(CommandRunner runner) => new("agents", "Inspect and control registered agents")
    {
        ListCommand(runner),
        GetCommand(runner),
        ActionCommand(runner, "cordon", "Give the agent no new work; running work continues",
            (client, request, options) => client.CordonAgentAsync(request, options)),
        ActionCommand(runner, "uncordon", "Let the agent take new work again",
            (client, request, options) => client.UncordonAgentAsync(request, options)),
        ActionCommand(runner, "drain", "Give the agent no new work and tell it to finish what it has",
            (client, request, options) => client.DrainAgentAsync(request, options)),
        ActionCommand(runner, "revoke", "Revoke the agent: its key stops working at once",
            (client, request, options) => client.RevokeAgentAsync(request, options)),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("Only agents of this tenant");
        var command = new Command("list", "List agents with their health") { tenant };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AgentService.AgentServiceClient(invoker), cancellationToken);
            var request = new ListAgentsRequest
            {
                Tenant = context.GetValue(tenant) ?? string.Empty,
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListAgentsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns(context.Discovery?.Version));
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "The agent id" };
        var command = new Command("get", "Show one agent: lease, capabilities, labels") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AgentService.AgentServiceClient(invoker), cancellationToken);
            var agent = await client.GetAgentAsync(new GetAgentRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteDetail(agent);
        });
        return command;
    }

    private static Command ActionCommand(CommandRunner runner, string name, string description, AgentAction action)
    {
        var id = new Argument<string>("ID") { Description = "The agent id" };
        var command = new Command(name, description) { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AgentService.AgentServiceClient(invoker), cancellationToken);
            var agent = await action(client, new AgentActionRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteRow(agent, Columns(context.Discovery?.Version));
        });
        return command;
    }
}
