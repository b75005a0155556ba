using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace SecPlatform.Cli.Output;

/// <summary>
/// Converts any protobuf message to JSON by walking its descriptor, so every command prints the same
/// shape with no per-command code: lowerCamelCase names (the field's JsonName), enum values as
/// lowercase words (<see cref="ProtoEnumNames"/>), timestamps as RFC 3339 UTC, maps as objects,
/// repeated fields as arrays, nested messages recursively. Every field is present: unset
/// timestamps, unset messages, empty strings and unspecified enums are null, so the shape never
/// depends on the data. 64-bit integers are plain numbers (unlike proto3 JSON's strings) because
/// scripts compare them as numbers.
/// </summary>
public static class ProtoJsonConverter
{
    public const string ItemsProperty = "items";
    public const string NextCursorProperty = "nextCursor";

    public static JsonObject ToJson(IMessage message)
    {
        var json = new JsonObject();
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            json[field.JsonName] = ConvertField(field, message);
        }

        return json;
    }

    /// <summary>A page of results: <c>{"items": [...], "nextCursor": "..." | null}</c>.</summary>
    public static JsonObject ToJsonList<TMessage>(IEnumerable<TMessage> items, string? nextPageToken) where TMessage : IMessage =>
        new()
        {
            [ItemsProperty] = new JsonArray(items.Select(item => (JsonNode?)ToJson(item)).ToArray()),
            [NextCursorProperty] = string.IsNullOrEmpty(nextPageToken) ? null : JsonValue.Create(nextPageToken),
        };

    private static JsonNode? ConvertField(FieldDescriptor field, IMessage message)
    {
        if (field.HasPresence && !field.Accessor.HasValue(message))
        {
            return null;
        }

        var value = field.Accessor.GetValue(message);
        if (field.IsMap)
        {
            return ConvertMap(field, (IDictionary)value);
        }

        if (field.IsRepeated)
        {
            var array = new JsonArray();
            foreach (var element in (IList)value)
            {
                array.Add(ConvertValue(field, element, emptyAsNull: false));
            }

            return array;
        }

        return ConvertValue(field, value, emptyAsNull: true);
    }

    private static JsonObject ConvertMap(FieldDescriptor field, IDictionary map)
    {
        var valueField = field.MessageType.FindFieldByNumber(2);
        var json = new JsonObject();
        // Sorted keys: the same map prints the same way, whatever order the server sent.
        var entries = map.Keys.Cast<object>()
            .Select(key => (Key: Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty, Value: map[key]))
            .OrderBy(entry => entry.Key, StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            json[key] = ConvertValue(valueField, value, emptyAsNull: false);
        }

        return json;
    }

    private static JsonNode? ConvertValue(FieldDescriptor field, object? value, bool emptyAsNull)
    {
        switch (value)
        {
            case null:
                return null;
            case Timestamp timestamp:
                return Text(TimeFormat.ToRfc3339(timestamp));
            case Duration duration:
                return JsonValue.Create(FormatDuration(duration));
            case Struct or Value or ListValue or FieldMask:
                return JsonNode.Parse(JsonFormatter.Default.Format((IMessage)value));
            case IMessage nested:
                return ToJson(nested);
            case string text:
                return emptyAsNull && text.Length == 0 ? null : JsonValue.Create(text);
            case ByteString bytes:
                return emptyAsNull && bytes.IsEmpty ? null : JsonValue.Create(bytes.ToBase64());
            case bool flag:
                return JsonValue.Create(flag);
            case System.Enum:
                return Text(ProtoEnumNames.ToWord(field.EnumType, Convert.ToInt32(value, CultureInfo.InvariantCulture)));
            case int number:
                return JsonValue.Create(number);
            case long number:
                return JsonValue.Create(number);
            case uint number:
                return JsonValue.Create(number);
            case ulong number:
                return JsonValue.Create(number);
            case double or float:
                var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                // JSON has no NaN or infinity; proto3 JSON writes them as strings too.
                return double.IsFinite(real) ? JsonValue.Create(real) : JsonValue.Create(real.ToString(CultureInfo.InvariantCulture));
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }

    private static JsonValue? Text(string? text) => text is null ? null : JsonValue.Create(text);

    private static string FormatDuration(Duration duration)
    {
        var seconds = duration.Seconds + (duration.Nanos / 1_000_000_000m);
        return seconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";
    }
}
