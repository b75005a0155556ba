using SecPlatform.Contracts.Formats;

namespace SecPlatform.Cli.Output;

/// <summary>
/// <c>--output csv</c>: the table's columns as RFC 4180 CSV (see <see cref="CsvFormat"/>), header row first, empty
/// cells empty (not "-"), line breaks kept inside quotes, and cells that a spreadsheet would run as a formula
/// prefixed with <c>'</c>.
/// </summary>
public static class CsvWriter
{
    public static void Write<TRow>(TextWriter output, IReadOnlyList<TRow> rows, IReadOnlyList<TableColumn<TRow>> columns)
    {
        CsvFormat.WriteRecord(output, columns.Select(column => column.Header));
        foreach (var row in rows)
        {
            CsvFormat.WriteRecord(output, columns.Select(column => column.Value(row)));
        }
    }
}
