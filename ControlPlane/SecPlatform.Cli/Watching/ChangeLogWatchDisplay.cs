using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>
/// For a pipe or a file: one line per change (<c>ID  SCANNER  STATUS  ATTEMPT  PROGRESS  MESSAGE</c>,
/// "-" for an empty field), nothing when nothing changed, so a log of a long watch stays short.
/// </summary>
public sealed class ChangeLogWatchDisplay(TextWriter output) : IWatchDisplay
{
    private const string Empty = "-";
    private const string Gap = "  ";

    public void Show(IReadOnlyList<Command> commands, IReadOnlyList<Command> changed)
    {
        foreach (var command in changed)
        {
            var cells = WatchColumns.All.Select(column => column.Value(command) is { Length: > 0 } value ? value.ReplaceLineEndings(" ") : Empty);
            output.WriteLine(string.Join(Gap, cells));
        }

        output.Flush();
    }
}
