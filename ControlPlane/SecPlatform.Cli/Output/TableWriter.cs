namespace SecPlatform.Cli.Output;

/// <summary>Writes rows as left-aligned columns separated by two spaces, header first.</summary>
public static class TableWriter
{
    private const string Empty = "-";
    private const string Gap = "  ";

    public static void Write<TRow>(TextWriter output, IReadOnlyList<TRow> rows, IReadOnlyList<TableColumn<TRow>> columns)
    {
        var cells = rows.Select(row => columns.Select(column => Cell(column.Value(row))).ToArray()).ToList();
        var widths = columns
            .Select((column, index) => cells.Select(line => line[index].Length).Append(column.Header.Length).Max())
            .ToArray();

        WriteLine(output, columns.Select(column => column.Header).ToArray(), widths);
        foreach (var line in cells)
        {
            WriteLine(output, line, widths);
        }
    }

    private static string Cell(string? value) =>
        string.IsNullOrEmpty(value) ? Empty : value.ReplaceLineEndings(" ");

    private static void WriteLine(TextWriter output, IReadOnlyList<string> values, int[] widths)
    {
        var padded = values.Select((value, index) => index == values.Count - 1 ? value : value.PadRight(widths[index]));
        output.WriteLine(string.Join(Gap, padded).TrimEnd());
    }
}
