using System.CommandLine;

namespace SecPlatform.Cli.Commands;

/// <summary><c>--limit N</c> and <c>--cursor C</c> of list commands: the API's page_size and page_token.</summary>
public sealed class PagingOptions
{
    private PagingOptions()
    {
    }

    public Option<int> Limit { get; } = CliOptions.PositiveNumber("--limit", "At most N results (the server caps it)");

    public Option<string?> Cursor { get; } = new("--cursor")
    {
        Description = "Continue after a previous page (the nextCursor it printed)",
        HelpName = "CURSOR",
    };

    public static PagingOptions AddTo(Command command)
    {
        var paging = new PagingOptions();
        command.Options.Add(paging.Limit);
        command.Options.Add(paging.Cursor);
        return paging;
    }

    public int PageSize(CommandContext context) => context.GetValue(Limit);

    public string PageToken(CommandContext context) => context.GetValue(Cursor) ?? string.Empty;
}
