using System.Text;

namespace SecPlatform.Testing;

/// <summary>An RFC 4180 reader for tests: quoted fields with doubled quotes, commas and line breaks inside them, CRLF records.</summary>
public static class CsvReader
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else if (c is '"' or '\r' or '\n')
            {
                throw new FormatException($"not RFC 4180: bare {(c == '"' ? "quote" : "line break")} at {i}");
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted || field.Length > 0 || fields.Count > 0)
        {
            throw new FormatException("not RFC 4180: the last record does not end with CRLF");
        }

        return records;
    }
}
