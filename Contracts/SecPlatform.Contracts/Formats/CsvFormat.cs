using System.Text;

namespace SecPlatform.Contracts.Formats;

/// <summary>
/// CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted when it holds a comma,
/// a double quote, CR or LF, with its quotes doubled. A field that a spreadsheet would read as a formula (it starts
/// with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or CR) gets a leading <c>'</c>, so a finding's text can never
/// run as a formula when the file is opened (CSV injection).
/// </summary>
public static class CsvFormat
{
    public const string ContentType = "text/csv";

    private const string RecordEnd = "\r\n";

    public static void WriteRecord(TextWriter output, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                output.Write(',');
            }

            output.Write(Field(field));
            first = false;
        }

        output.Write(RecordEnd);
    }

    /// <summary>One field, neutralized and quoted as needed.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        quoted.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
