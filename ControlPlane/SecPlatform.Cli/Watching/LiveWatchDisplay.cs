using System.Text;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>
/// For a terminal: a table of the watched commands, redrawn in place (ANSI cursor-up, erase line)
/// whenever one changes. Lines are cut to the terminal's width, because a wrapped line would make the
/// next redraw move up too few lines.
/// </summary>
public sealed class LiveWatchDisplay(TextWriter output, Func<int?> terminalWidth) : IWatchDisplay
{
    private const string Escape = "\u001b[";
    private const string EraseLine = Escape + "2K";

    private int _drawnLines;

    public void Show(IReadOnlyList<Command> commands, IReadOnlyList<Command> changed)
    {
        using var table = new StringWriter();
        TableWriter.Write(table, commands, WatchColumns.All);
        var lines = table.ToString().Split(table.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var width = terminalWidth();

        var frame = new StringBuilder();
        if (_drawnLines > 0)
        {
            frame.Append(Escape).Append(_drawnLines).Append('A');
        }

        foreach (var line in lines)
        {
            frame.Append('\r').Append(EraseLine).Append(Fit(line, width)).Append(output.NewLine);
        }

        output.Write(frame.ToString());
        output.Flush();
        _drawnLines = lines.Length;
    }

    // One column short of the width: writing into the last column wraps on some terminals.
    private static string Fit(string line, int? width) =>
        width is > 1 && line.Length >= width ? line[..(width.Value - 1)] : line;
}
