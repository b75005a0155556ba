using System.Text.Json;

namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>Handles one property of an object; the reader is on the value. Return false to have it skipped.</summary>
internal delegate bool JsonPropertyHandler(string name, ref Utf8JsonReader reader);

/// <summary>Handles one array element; the reader is on its first token and must be left on its last.</summary>
internal delegate void JsonValueHandler(ref Utf8JsonReader reader);

/// <summary>
/// Forward-only walking of a (size-capped) JSON document with <see cref="Utf8JsonReader"/>: big arrays are read one
/// element at a time, so a document cut at the cap still yields every element before the cut, and one malformed
/// element is skipped without losing the rest. Errors surface as <see cref="JsonException"/>.
/// </summary>
internal static class JsonWalk
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>A reader on the document's root object, or null (with why) when the output is not a JSON object.</summary>
    public static bool TryStart(ReadOnlyMemory<byte> output, out Utf8JsonReader reader, out string? problem)
    {
        var span = output.Span;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        reader = new Utf8JsonReader(span, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        try
        {
            if (!reader.Read())
            {
                problem = "the scanner printed no output";
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                problem = $"the output is not a JSON object (it starts with a {reader.TokenType})";
                return false;
            }
        }
        catch (JsonException e)
        {
            problem = $"the output is not JSON ({Where(e)})";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Walks the object the reader is on, leaving it on its end. A value of another type is skipped.</summary>
    public static void Object(ref Utf8JsonReader reader, JsonPropertyHandler handler)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString() ?? "";
            reader.Read();
            if (!handler(name, ref reader))
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Walks the array the reader is on, handing each element to <paramref name="handler"/>. Returns false when the value was not an array.</summary>
    public static bool Array(ref Utf8JsonReader reader, JsonValueHandler handler)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            handler(ref reader);
        }

        return true;
    }

    /// <summary>Reads the value the reader is on as a self-contained element (a copy).</summary>
    public static JsonElement Element(ref Utf8JsonReader reader) => JsonElement.ParseValue(ref reader);

    /// <summary>Maps one element to <typeparamref name="T"/>; null when its shape is wrong.</summary>
    public static T? Deserialize<T>(JsonElement element) where T : class
    {
        try
        {
            return element.Deserialize<T>(Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public static string Where(JsonException e) =>
        e.LineNumber is { } line ? $"line {line + 1}, byte {e.BytePositionInLine + 1}" : "at an unknown position";
}
