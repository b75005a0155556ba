using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// The filters of <c>findings list</c>, <c>summary</c> and <c>export</c>: one set of options, filled into any of the
/// three requests (they share the filter fields).
/// </summary>
internal sealed class FindingFilterOptions
{
    private FindingFilterOptions()
    {
    }

    public Option<string?> Tenant { get; } = CliOptions.Tenant("The tenant (name or id); required unless your admin key is bound to one tenant");

    public Option<string?> CommandId { get; } = new("--command") { Description = "Only the findings that this command's accepted run observed" };

    public Option<string[]?> Status { get; } = new("--status")
    {
        Description = $"Only findings in these statuses, comma-separated ({string.Join(", ", FindingsCommand.Statuses)}); open does not include reopened",
        HelpName = "STATUS[,STATUS...]",
        CustomParser = result => FindingsCommand.ParseWords(result, "--status", FindingsCommand.Statuses),
    };

    public Option<FindingSeverity[]?> Severity { get; } = new("--severity")
    {
        Description = "Only findings of these severities, comma-separated (info, low, medium, high, critical)",
        HelpName = "SEVERITY[,SEVERITY...]",
        CustomParser = FindingsCommand.ParseSeverities,
    };

    public Option<string?> Scanner { get; } = new("--scanner") { Description = "Only this scanner's findings" };

    public Option<string?> Rule { get; } = new("--rule") { Description = "Only this rule's findings" };

    public Option<FindingsCommand.Since?> Since { get; } = new("--since")
    {
        Description = "Only findings last seen at or after this time: an RFC 3339 time such as 2025-06-01T12:00:00Z, or a duration ago such as 24h",
        HelpName = "TIME|DURATION",
        CustomParser = FindingsCommand.ParseSince,
    };

    public Option<string?> Asset { get; } = new("--asset") { Description = "Only findings on this asset (an asset id)", HelpName = "ID" };

    public Option<string?> Group { get; } = new("--group") { Description = "Only findings on the assets of this asset group", HelpName = "NAME|ID" };

    public Option<string?> Cve { get; } = new("--cve") { Description = "Only findings that name this vulnerability (CVE or GHSA id)", HelpName = "ID" };

    public static FindingFilterOptions AddTo(Command command)
    {
        var filters = new FindingFilterOptions();
        foreach (var option in new System.CommandLine.Option[] { filters.Tenant, filters.CommandId, filters.Status, filters.Severity, filters.Scanner, filters.Rule, filters.Since,
            filters.Asset, filters.Group, filters.Cve })
        {
            command.Options.Add(option);
        }

        return filters;
    }

    /// <summary>Fills the request's filter fields from the options given (the rest stay empty).</summary>
    public TRequest Apply<TRequest>(CommandContext context, TRequest request) where TRequest : IFindingFilterRequest
    {
        request.Tenant = context.GetValue(Tenant) ?? "";
        request.CommandId = context.GetValue(CommandId) ?? "";
        request.Statuses.Add(context.GetValue(Status) ?? []);
        request.Severities.Add(context.GetValue(Severity) ?? []);
        request.Scanner = context.GetValue(Scanner) ?? "";
        request.RuleId = context.GetValue(Rule) ?? "";
        request.Asset = context.GetValue(Asset) ?? "";
        request.Group = context.GetValue(Group) ?? "";
        request.Cve = context.GetValue(Cve) ?? "";
        if (context.GetValue(Since) is { } from)
        {
            request.Since = Timestamp.FromDateTimeOffset(from.At ?? context.Environment.Time.GetUtcNow() - from.Ago!.Value);
        }

        return request;
    }
}
