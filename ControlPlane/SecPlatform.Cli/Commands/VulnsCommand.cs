using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat vulns list|get</c>: the vulnerabilities (CVE and GHSA ids) a tenant's findings name.</summary>
public static class VulnsCommand
{
    private static readonly TableColumn<Vulnerability>[] Columns =
    [
        new("ID", vulnerability => vulnerability.Id),
        new("FINDINGS", vulnerability => CellFormat.Number(vulnerability.Findings)),
        new("OPEN", vulnerability => CellFormat.Number(vulnerability.OpenFindings)),
        new("ASSETS", vulnerability => CellFormat.Number(vulnerability.Assets)),
        new("FIRST SEEN", vulnerability => CellFormat.Time(vulnerability.FirstSeen)),
    ];

    public static Command Create(CommandRunner runner) => new("vulns", "Inspect the vulnerabilities a tenant's findings name")
    {
        ListCommand(runner),
        GetCommand(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var command = new Command("list", "List the vulnerabilities the tenant's findings name, by id, with counts (open: open or reopened)") { tenant };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var request = new ListVulnerabilitiesRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListVulnerabilitiesAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "A CVE id (CVE-2021-44228) or GitHub advisory id (GHSA-...)" };
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var command = new Command("get", "Show one vulnerability with the tenant's affected assets") { id, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await Client(context, cancellationToken);
            var request = new GetVulnerabilityRequest { Id = context.GetValue(id), Tenant = context.GetValue(tenant) ?? "" };
            context.Output.WriteDetail(await client.GetVulnerabilityAsync(request, context.Call(cancellationToken)));
        });
        return command;
    }

    private static Task<VulnerabilityService.VulnerabilityServiceClient> Client(CommandContext context, CancellationToken cancellationToken) =>
        context.ClientAsync(invoker => new VulnerabilityService.VulnerabilityServiceClient(invoker), cancellationToken);
}
