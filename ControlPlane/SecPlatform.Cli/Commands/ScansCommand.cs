using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Scanners;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat scans run|list|get</c>: put a scan into the command queue (or a profile's), and read scan records.</summary>
public static partial class ScansCommand
{
    public static Command Create(CommandRunner runner) => new("scans", "Run scans on agents through the command queue, and read scan records")
    {
        RunCommand(runner),
        ListCommand(runner),
        GetCommand(runner),
    };

    private static Command RunCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant the scan runs for (required with --scanner; with --profile an admin bound to one tenant may leave it out)");
        // The catalog only feeds help and completion: the control plane decides what it accepts, so a
        // CLI older than the server can still enqueue a newer scanner.
        var scannerIds = ScannerCatalog.All.Select(spec => spec.Id).ToArray();
        var scanner = new Option<string>("--scanner")
        {
            Description = $"The scanner to run ({string.Join(", ", scannerIds)}); or use --profile",
            HelpName = "SCANNER",
        };
        var profile = new Option<string?>("--profile")
        {
            Description = "Run this scan profile of the tenant (its scanner, parameters, target, priority, attempts and timeout)",
            HelpName = "NAME",
        };
        scanner.CompletionSources.Add(scannerIds);
        var parameters = CliOptions.KeyValues("--param", "A scanner parameter, e.g. path=/srv/app; split at the first '=' (repeatable)", "parameter");
        var agent = new Option<string?>("--agent")
        {
            Description = "Run on this agent only",
            HelpName = "ID",
        };
        var labels = CliOptions.Labels("--label", "Run on an agent carrying this label (repeatable; all must match)");
        var capabilities = new Option<string[]>("--capability")
        {
            Description = "A capability the agent must have besides the scanner (repeatable)",
            HelpName = "CAPABILITY",
            AllowMultipleArgumentsPerToken = false,
        };
        var priority = CliOptions.Integer("--priority", "-100 to 100, higher runs first within the tenant; default 0");
        var maxAttempts = CliOptions.PositiveNumber("--max-attempts", "How often the command may be tried; default 3");
        // The limit is only what the request's int32 seconds can carry; the server applies the real one.
        var timeout = CliOptions.Duration("--timeout", "How long one attempt may run; default 10m", maximum: TimeSpan.FromSeconds(int.MaxValue));
        var notBefore = CliOptions.PointInTime("--not-before", "Do not start before this time");
        var expiresIn = CliOptions.Duration("--expires-in", "Expire the command if no agent has claimed it by then; default 24h");
        var idempotencyKey = new Option<string?>("--idempotency-key")
        {
            Description = "Enqueue at most once: the same key with the same request returns the existing command",
            HelpName = "KEY",
        };
        var command = new Command("run", "Enqueue a scan and print the queued command")
        {
            tenant, scanner, profile, parameters, agent, labels, capabilities, priority, maxAttempts, timeout, notBefore, expiresIn, idempotencyKey,
        };

        command.Validators.Add(result =>
        {
            if ((result.GetValue(scanner) is null) == (result.GetValue(profile) is null))
            {
                result.AddError("give either --scanner or --profile");
            }
            else if (result.GetValue(scanner) is not null && result.GetValue(tenant) is null)
            {
                // A profile belongs to a tenant (a tenant-bound admin's own by default); a scanner needs one named.
                result.AddError("--tenant is required with --scanner");
            }
        });
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var request = new EnqueueCommandRequest
            {
                Profile = context.GetValue(profile) ?? string.Empty,
                Tenant = context.GetValue(tenant) ?? string.Empty,
                Scanner = context.GetValue(scanner) ?? string.Empty,
                Parameters = { CliOptions.KeyValueMap(context, parameters) },
                AgentId = context.GetValue(agent) ?? string.Empty,
                Labels = { CliOptions.KeyValueMap(context, labels) },
                RequiredCapabilities = { context.GetValue(capabilities) ?? [] },
                Priority = context.GetValue(priority),
                MaxAttempts = context.GetValue(maxAttempts),
                TimeoutSeconds = (int)(context.GetValue(timeout)?.TotalSeconds ?? 0),
                NotBefore = context.GetValue(notBefore) is { } start
                    ? Timestamp.FromDateTimeOffset(start.Resolve(context.Environment.Time.GetUtcNow()))
                    : null,
                ExpiresInSeconds = (long)(context.GetValue(expiresIn)?.TotalSeconds ?? 0),
                IdempotencyKey = context.GetValue(idempotencyKey) ?? string.Empty,
            };
            var client = await context.ClientAsync(invoker => new CommandService.CommandServiceClient(invoker), cancellationToken);
            var queued = await client.EnqueueCommandAsync(request, context.Call(cancellationToken));
            context.Output.WriteDetail(queued);
        });
        return command;
    }
}
