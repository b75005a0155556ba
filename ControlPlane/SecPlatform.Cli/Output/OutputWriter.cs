using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace SecPlatform.Cli.Output;

/// <summary>
/// Writes command results in the chosen format: JSON through <see cref="ProtoJsonConverter"/>, or
/// tables and detail views for people.
/// </summary>
public sealed class OutputWriter(TextWriter output, OutputFormat format, TextWriter? notes = null)
{
    // Relaxed escaping: output goes to a terminal or a pipe, never into HTML, and install commands
    // must read as typed ("'", "&&"), not as \u0027.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public OutputFormat Format { get; } = format;

    public bool IsJson => Format == OutputFormat.Json;

    public bool IsCsv => Format == OutputFormat.Csv;

    /// <summary>Where hints go that must not mix with machine-readable output (stderr); the output itself when not given.</summary>
    public TextWriter Notes { get; } = notes ?? output;

    public TextWriter Text { get; } = output;

    // JSON Lines: one compact object per line, so a stream can be read line by line (jq -c, while read).
    private static readonly JsonSerializerOptions JsonLineOptions = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void WriteJson(JsonNode node) => Text.WriteLine(node.ToJsonString(JsonOptions));

    /// <summary>One JSON Lines record: the object on a single line, flushed so a reader sees it at once.</summary>
    public void WriteJsonLine(JsonNode node)
    {
        Text.WriteLine(node.ToJsonString(JsonLineOptions));
        Text.Flush();
    }

    /// <summary>
    /// A page of results: a table with a hint for the next page, <c>{"items", "nextCursor"}</c>, or CSV of the table's
    /// columns with the next-page hint on <see cref="Notes"/>.
    /// </summary>
    public void WriteList<TMessage>(IReadOnlyList<TMessage> items, string? nextPageToken, IReadOnlyList<TableColumn<TMessage>> columns)
        where TMessage : IMessage
    {
        if (IsJson)
        {
            WriteJson(ProtoJsonConverter.ToJsonList(items, nextPageToken));
            return;
        }

        if (IsCsv)
        {
            CsvWriter.Write(Text, items, columns);
            if (!string.IsNullOrEmpty(nextPageToken))
            {
                Notes.WriteLine($"more results: --cursor {nextPageToken}");
            }

            return;
        }

        TableWriter.Write(Text, items, columns);
        if (!string.IsNullOrEmpty(nextPageToken))
        {
            Text.WriteLine();
            Text.WriteLine($"more results: --cursor {nextPageToken}");
        }
    }

    /// <summary>One object as a one-row table (the result of an action), or the object itself in JSON.</summary>
    public void WriteRow<TMessage>(TMessage item, IReadOnlyList<TableColumn<TMessage>> columns) where TMessage : IMessage
    {
        if (IsJson)
        {
            WriteJson(ProtoJsonConverter.ToJson(item));
            return;
        }

        if (IsCsv)
        {
            CsvWriter.Write(Text, [item], columns);
            return;
        }

        TableWriter.Write(Text, [item], columns);
    }

    /// <summary>One object with all its fields, or the object itself in JSON.</summary>
    public void WriteDetail(IMessage item)
    {
        var json = ProtoJsonConverter.ToJson(item);
        if (IsJson)
        {
            WriteJson(json);
            return;
        }

        DetailWriter.Write(Text, json);
    }
}
