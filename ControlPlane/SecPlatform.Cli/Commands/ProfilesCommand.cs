using System.CommandLine;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Scanners;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat profiles create|list|get|delete</c>: a tenant's named, reusable scans (run with <c>scans run --profile</c>).</summary>
public static class ProfilesCommand
{
    private static readonly TableColumn<ScanProfile>[] Columns =
    [
        new("ID", profile => profile.Id),
        new("NAME", profile => profile.Name),
        new("SCANNER", profile => profile.Scanner),
        new("PARAMETERS", profile => CellFormat.Labels(profile.Parameters)),
        new("TARGET", profile => profile.TargetAgentId.Length > 0 ? profile.TargetAgentId : CellFormat.Labels(profile.SelectorLabels)),
        new("PRIORITY", profile => CellFormat.Number(profile.Priority)),
        new("CREATED", profile => CellFormat.Time(profile.CreatedAt)),
    ];

    public static Command Create(CommandRunner runner) => new("profiles", "Manage scan profiles: named, reusable scans of a tenant")
    {
        CreateCommand(runner),
        ListCommand(runner),
        GetCommand(runner),
        DeleteCommand(runner),
    };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "The profile's name, unique in the tenant (lowercase letters, digits, '.', '_', '-')" };
        var tenant = CliOptions.Tenant("The tenant (may be left out by an admin bound to one tenant)");
        var scannerIds = ScannerCatalog.All.Select(spec => spec.Id).ToArray();
        var scanner = new Option<string>("--scanner")
        {
            Description = $"The scanner to run ({string.Join(", ", scannerIds)})",
            HelpName = "SCANNER",
            Required = true,
        };
        scanner.CompletionSources.Add(scannerIds);
        var parameters = CliOptions.KeyValues("--param", "A scanner parameter, e.g. path=/srv/app; split at the first '=' (repeatable)", "parameter");
        var agent = new Option<string?>("--agent") { Description = "Run on this agent only", HelpName = "ID" };
        var labels = CliOptions.Labels("--label", "Run on an agent carrying this label (repeatable; all must match)");
        var capabilities = new Option<string[]>("--capability")
        {
            Description = "A capability the agent must have besides the scanner (repeatable)",
            HelpName = "CAPABILITY",
            AllowMultipleArgumentsPerToken = false,
        };
        var priority = CliOptions.Integer("--priority", "-100 to 100, higher runs first within the tenant; default 0");
        var maxAttempts = CliOptions.PositiveNumber("--max-attempts", "How often each scan may be tried; default 3");
        var timeout = CliOptions.Duration("--timeout", "How long one attempt may run; default 10m", maximum: TimeSpan.FromSeconds(int.MaxValue));
        var description = new Option<string?>("--description") { Description = "What the profile is for", HelpName = "TEXT" };
        var command = new Command("create", "Create a scan profile (checked exactly as `scans run` checks a scan)")
        {
            name, tenant, scanner, parameters, agent, labels, capabilities, priority, maxAttempts, timeout, description,
        };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var request = new CreateScanProfileRequest
            {
                Name = context.GetValue(name) ?? "",
                Tenant = context.GetValue(tenant) ?? "",
                Scanner = context.GetValue(scanner) ?? "",
                Parameters = { CliOptions.KeyValueMap(context, parameters) },
                AgentId = context.GetValue(agent) ?? "",
                Labels = { CliOptions.KeyValueMap(context, labels) },
                RequiredCapabilities = { context.GetValue(capabilities) ?? [] },
                Priority = context.GetValue(priority),
                MaxAttempts = context.GetValue(maxAttempts),
                TimeoutSeconds = (int)(context.GetValue(timeout)?.TotalSeconds ?? 0),
                Description = context.GetValue(description) ?? "",
            };
            var client = await context.ClientAsync(invoker => new ScanService.ScanServiceClient(invoker), cancellationToken);
            var created = await client.CreateScanProfileAsync(request, context.Call(cancellationToken));
            context.Output.WriteDetail(created);
        });
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");
        var command = new Command("list", "List a tenant's scan profiles, oldest first") { tenant };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new ScanService.ScanServiceClient(invoker), cancellationToken);
            var request = new ListScanProfilesRequest
            {
                Tenant = context.GetValue(tenant) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListScanProfilesAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var profile = new Argument<string>("PROFILE") { Description = "A profile name (in the tenant) or id" };
        var tenant = CliOptions.Tenant("The tenant of a profile given by name (may be left out by an admin bound to one tenant)");
        var command = new Command("get", "Show one scan profile") { profile, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new ScanService.ScanServiceClient(invoker), cancellationToken);
            var found = await client.GetScanProfileAsync(
                new GetScanProfileRequest { Profile = context.GetValue(profile) ?? "", Tenant = context.GetValue(tenant) ?? "" },
                context.Call(cancellationToken));
            context.Output.WriteDetail(found);
        });
        return command;
    }

    private static Command DeleteCommand(CommandRunner runner)
    {
        var profile = new Argument<string>("PROFILE") { Description = "A profile name (in the tenant) or id" };
        var tenant = CliOptions.Tenant("The tenant of a profile given by name (may be left out by an admin bound to one tenant)");
        var command = new Command("delete", "Delete a scan profile (scans queued from it keep its name)") { profile, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new ScanService.ScanServiceClient(invoker), cancellationToken);
            var deleted = await client.DeleteScanProfileAsync(
                new DeleteScanProfileRequest { Profile = context.GetValue(profile) ?? "", Tenant = context.GetValue(tenant) ?? "" },
                context.Call(cancellationToken));
            context.Output.WriteDetail(deleted);
        });
        return command;
    }
}
