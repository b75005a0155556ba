using System.CommandLine;
using System.CommandLine.Parsing;
using SecPlatform.Cli.Errors;
using SecPlatform.Cli.Output;
using SecPlatform.Cli.Parsing;
using SecPlatform.Cli.Watching;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;
using QueuedCommand = SecPlatform.Contracts.Admin.V1.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat commands list|get|cancel|watch</c>: the command queue.</summary>
public static class CommandsCommand
{
    public static readonly TimeSpan DefaultWatchInterval = TimeSpan.FromSeconds(1);

    private static readonly TableColumn<QueuedCommand>[] Columns =
    [
        new("ID", command => command.Id),
        new("TENANT", command => command.TenantId),
        new("SCANNER", command => command.Scanner),
        new("STATUS", command => CellFormat.Word(command.Status)),
        new("ATTEMPT", WatchColumns.Attempt),
        new("AGENT", command => command.AgentId),
        new("CREATED", command => CellFormat.Time(command.CreatedAt)),
        new("REASON", command => command.StatusReason),
    ];

    public static Command Create(CommandRunner runner) => new("commands", "Inspect, follow and cancel queued commands")
    {
        ListCommand(runner),
        GetCommand(runner),
        CancelCommand(runner),
        WatchCommand(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("Only commands of this tenant");
        var statuses = string.Join(',', ProtoEnumNames.Words<CommandStatus>());
        var status = new Option<string?>("--status")
        {
            Description = $"Only commands in these statuses, comma-separated ({statuses})",
            HelpName = "STATUS[,STATUS...]",
            CustomParser = ParseStatuses,
        };
        var agent = new Option<string?>("--agent")
        {
            Description = "Only commands this agent holds or last held",
            HelpName = "ID",
        };
        var command = new Command("list", "List commands, oldest first") { tenant, status, agent };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new CommandService.CommandServiceClient(invoker), cancellationToken);
            var request = new ListCommandsRequest
            {
                Tenant = context.GetValue(tenant) ?? string.Empty,
                Status = context.GetValue(status) ?? string.Empty,
                AgentId = context.GetValue(agent) ?? string.Empty,
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListCommandsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "The command id" };
        var command = new Command("get", "Show one command: target, attempts, progress, result") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new CommandService.CommandServiceClient(invoker), cancellationToken);
            var found = await client.GetCommandAsync(new GetCommandRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteDetail(found);
        });
        return command;
    }

    private static Command CancelCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "The command id" };
        var command = new Command("cancel",
            "Cancel a command (idempotent): a queued one at once, a claimed or running one once its agent has stopped it") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new CommandService.CommandServiceClient(invoker), cancellationToken);
            var canceled = await client.CancelCommandAsync(new CancelCommandRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteRow(canceled, Columns);
        });
        return command;
    }

    private static Command WatchCommand(CommandRunner runner)
    {
        var ids = new Argument<string[]>("ID")
        {
            Description = "The command ids",
            Arity = ArgumentArity.OneOrMore,
        };
        var interval = CliOptions.Duration("--interval", "How often to ask the control plane; default 1s");
        var timeout = CliOptions.Duration("--timeout", "Give up (exit 1) if the commands have not all finished by then; default: no limit");
        var command = new Command("watch",
            "Follow commands until all have finished; exit 0 when all succeeded, 1 when any failed, was canceled or expired")
        {
            ids, interval, timeout,
        };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new CommandService.CommandServiceClient(invoker), cancellationToken);
            var watcher = new CommandWatcher(
                (id, notAfter, token) => client.GetCommandAsync(new GetCommandRequest { Id = id }, context.Call(token, notAfter)).ResponseAsync,
                context.Environment.Time,
                DisplayFor(context));
            var watched = (context.GetValue(ids) ?? []).Distinct(StringComparer.Ordinal).ToList();
            var limit = context.GetValue(timeout);
            var result = await watcher.WatchAsync(watched, context.GetValue(interval) ?? DefaultWatchInterval, limit, cancellationToken);

            if (result.TimedOut)
            {
                CommandRunner.WriteError(context.Environment.Error, TimeoutMessage(result, limit!.Value));
                return ExitCodes.Failure;
            }

            if (result.Unsuccessful.Count > 0)
            {
                CommandRunner.WriteError(context.Environment.Error, UnsuccessfulMessage(result));
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>JSON Lines for <c>--output json</c>; a live table on a terminal; a line per change otherwise.</summary>
    private static IWatchDisplay DisplayFor(CommandContext context) =>
        context.Output.IsJson ? new JsonLinesWatchDisplay(context.Output)
        : context.Environment.OutIsTerminal ? new LiveWatchDisplay(context.Output.Text, context.Environment.TerminalWidth)
        : new ChangeLogWatchDisplay(context.Output.Text);

    /// <summary>The one line for a watch that ran out of time, naming what was still unfinished.</summary>
    public static string TimeoutMessage(WatchResult result, TimeSpan timeout)
    {
        var unfinished = result.Unfinished;
        var which = string.Join(", ", unfinished.Select(entry =>
            $"{entry.Id} {(entry.Status is { } status ? ProtoEnumNames.ToWord(status) : "not read")}"));
        return $"timed out after {DurationParser.Format(timeout)}: {unfinished.Count} of {result.Ids.Count} commands not finished ({which})";
    }

    /// <summary>The one line for a watch where some commands ended without success, naming each with its reason.</summary>
    public static string UnsuccessfulMessage(WatchResult result)
    {
        var unsuccessful = result.Unsuccessful;
        var which = string.Join("; ", unsuccessful.Select(command =>
            WatchColumns.Message(command) is { } reason
                ? $"{command.Id} {ProtoEnumNames.ToWord(command.Status)}: {reason}"
                : $"{command.Id} {ProtoEnumNames.ToWord(command.Status)}"));
        return $"{unsuccessful.Count} of {result.Ids.Count} commands did not succeed: {which}";
    }

    /// <summary>Status words, checked and normalized ("Queued, running" → "queued,running") so a typo is a usage error.</summary>
    internal static string? ParseStatuses(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        var words = new List<string>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!ProtoEnumNames.TryFromWord<CommandStatus>(part, out var status) || status == CommandStatus.Unspecified)
            {
                result.AddError($"--status takes {string.Join(", ", ProtoEnumNames.Words<CommandStatus>())} (comma-separated), not '{part}'");
                return null;
            }

            var word = ProtoEnumNames.ToWord(status)!;
            if (!words.Contains(word))
            {
                words.Add(word);
            }
        }

        if (words.Count == 0)
        {
            result.AddError("--status needs at least one status");
            return null;
        }

        return string.Join(',', words);
    }
}
