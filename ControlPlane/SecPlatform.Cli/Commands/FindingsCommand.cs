using System.CommandLine;
using System.CommandLine.Parsing;
using Google.Protobuf.WellKnownTypes;
using SecPlatform.Cli.Output;
using SecPlatform.Cli.Parsing;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat findings list|get|set-status|summary|export</c>: a tenant's findings, deduplicated by fingerprint, and their triage.</summary>
public static class FindingsCommand
{
    /// <summary>The lifecycle's words; the server sets resolved and reopened, admins the triage ones.</summary>
    internal static readonly string[] Statuses = ["open", "resolved", "reopened", "false_positive", "accepted_risk"];
    private static readonly string[] SettableStatuses = ["false_positive", "accepted_risk", "open"];

    private static readonly TableColumn<Finding>[] Columns =
    [
        new("ID", finding => finding.Id),
        new("STATUS", finding => finding.Status),
        new("SEVERITY", finding => CellFormat.Word(finding.Severity)),
        new("SCANNER", finding => finding.Scanner),
        new("RULE", finding => finding.RuleId),
        new("ASSET", finding => finding.AssetValue),
        new("LOCATION", finding => Location(finding)),
        new("SEEN", finding => CellFormat.Number(finding.Occurrences)),
        new("LAST SEEN", finding => CellFormat.Time(finding.LastSeen)),
        new("TITLE", finding => finding.Title),
    ];

    public static Command Create(CommandRunner runner) => new("findings", "Inspect and triage findings")
    {
        ListCommand(runner),
        GetCommand(runner),
        SetStatusCommand(runner),
        FindingsSummaryCommand.Create(runner),
        FindingsExportCommand.Create(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var sort = new Option<string?>("--sort")
        {
            Description = "Order by these fields, comma-separated, '-' before a field for descending: first_seen, last_seen, severity, "
                + "occurrences, status, rule, scanner (ties by id) [default: first_seen]. A --cursor continues only the same sort",
            HelpName = "FIELD[,FIELD...]",
        };
        var command = new Command("list", "List a tenant's findings, oldest first unless --sort says otherwise") { sort };
        var filters = FindingFilterOptions.AddTo(command);
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var request = filters.Apply(context, new ListFindingsRequest
            {
                Sort = context.GetValue(sort) ?? "",
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            });
            var page = await client.ListFindingsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command GetCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "A finding id" };
        var command = new Command("get", "Show one finding with its status history") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var finding = await client.GetFindingAsync(new GetFindingRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteDetail(finding);
        });
        return command;
    }

    private static Command SetStatusCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "A finding id" };
        var status = new Option<string?>("--status")
        {
            Description = $"The new status ({string.Join(", ", SettableStatuses)}); the server sets resolved and reopened",
            Required = true,
            HelpName = "STATUS",
            CustomParser = result => ParseWords(result, "--status", SettableStatuses) is [var word] ? word : Refuse(result),
        };
        var reason = new Option<string?>("--reason") { Description = "Why (required for false_positive and accepted_risk); kept in the history", HelpName = "TEXT" };
        var command = new Command("set-status", "Triage a finding: false positive, accepted risk, or back to open (audited)") { id, status, reason };
        command.Validators.Add(result =>
        {
            // Raw tokens: a bad --status has its own error, and reading its value here would throw.
            var given = result.GetResult(status)?.Tokens.FirstOrDefault()?.Value.Trim().ToLowerInvariant();
            var why = result.GetResult(reason)?.Tokens.FirstOrDefault()?.Value;
            if (given is "false_positive" or "accepted_risk" && string.IsNullOrWhiteSpace(why))
            {
                result.AddError("--reason is required for false_positive and accepted_risk");
            }
        });
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var request = new SetFindingStatusRequest
            {
                Id = context.GetValue(id),
                Status = context.GetValue(status) ?? "",
                Reason = context.GetValue(reason) ?? "",
            };
            var finding = await client.SetFindingStatusAsync(request, context.Call(cancellationToken));
            context.Output.WriteDetail(finding);
        });
        return command;
    }

    /// <summary>A --since value: an absolute time, or a duration before the moment the command runs.</summary>
    internal sealed record Since(DateTimeOffset? At, TimeSpan? Ago);

    internal static Since? ParseSince(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value.Trim();
        if (DurationParser.TryParse(text, out var ago))
        {
            return new Since(null, ago.Value);
        }

        if (PointInTime.TryParse(text, out var at) && at.At is { } absolute)
        {
            return new Since(absolute, null);
        }

        result.AddError($"--since takes an RFC 3339 time such as 2025-06-01T12:00:00Z, or a duration ago such as 24h, not '{text}'");
        return null;
    }

    /// <summary>Comma-separated words from <paramref name="allowed"/>, lowercased and without repeats; a typo is a usage error.</summary>
    internal static string[]? ParseWords(ArgumentResult result, string name, string[] allowed)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var words = new List<string>();
        foreach (var part in result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var word = part.ToLowerInvariant();
            if (!allowed.Contains(word))
            {
                result.AddError($"{name} takes {string.Join(", ", allowed)} (comma-separated), not '{part}'");
                return null;
            }

            if (!words.Contains(word))
            {
                words.Add(word);
            }
        }

        if (words.Count == 0)
        {
            result.AddError($"{name} needs at least one value");
            return null;
        }

        return [.. words];
    }

    private static string? Refuse(ArgumentResult result)
    {
        if (!result.Errors.Any())
        {
            result.AddError($"--status takes one of {string.Join(", ", SettableStatuses)} (the server sets resolved and reopened)");
        }

        return null;
    }

    internal static FindingSeverity[]? ParseSeverities(ArgumentResult result)
    {
        var allowed = ProtoEnumNames.Words<FindingSeverity>().ToArray();
        var words = ParseWords(result, "--severity", allowed);
        return words?.Select(w => ProtoEnumNames.TryFromWord<FindingSeverity>(w, out var s) ? s : FindingSeverity.Unspecified).ToArray();
    }

    private static string Location(Finding finding) =>
        finding.Port > 0 ? $"{finding.Protocol}/{finding.Port}"
        : finding.Line > 0 ? $"{finding.File}:{finding.Line}:{finding.Column}"
        : finding.File;
}
