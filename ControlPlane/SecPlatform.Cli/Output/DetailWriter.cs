using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecPlatform.Cli.Output;

/// <summary>
/// Writes one object for people: aligned <c>key: value</c> lines, nested objects indented, arrays of
/// simple objects one line per element. It renders the converter's JSON, so field names and value
/// formats are the same as in <c>--output json</c>.
/// </summary>
public static class DetailWriter
{
    private const string Empty = "-";

    public static void Write(TextWriter output, JsonObject json) => WriteObject(output, json, indent: 0);

    private static void WriteObject(TextWriter output, JsonObject json, int indent)
    {
        var pad = new string(' ', indent);
        var width = json.Select(property => property.Key.Length).DefaultIfEmpty(0).Max() + 1;
        foreach (var (key, node) in json)
        {
            var label = $"{pad}{(key + ":").PadRight(width)}";
            switch (node)
            {
                case JsonObject nested when nested.Count > 0:
                    output.WriteLine($"{pad}{key}:");
                    WriteObject(output, nested, indent + 2);
                    break;
                case JsonArray array when array.Count > 0:
                    WriteArray(output, label, key, array, indent);
                    break;
                case JsonObject or JsonArray:
                    output.WriteLine($"{label} {Empty}");
                    break;
                default:
                    output.WriteLine($"{label} {Scalar(node)}");
                    break;
            }
        }
    }

    private static void WriteArray(TextWriter output, string label, string key, JsonArray array, int indent)
    {
        var pad = new string(' ', indent);
        if (array.All(element => element is not JsonObject and not JsonArray))
        {
            output.WriteLine($"{label} {string.Join(", ", array.Select(Scalar))}");
            return;
        }

        output.WriteLine($"{pad}{key}:");
        foreach (var element in array)
        {
            if (element is JsonObject item && item.All(property => property.Value is not JsonObject and not JsonArray))
            {
                output.WriteLine($"{pad}  - {string.Join(" ", item.Select(property => $"{property.Key}={Scalar(property.Value)}"))}");
            }
            else if (element is JsonObject complex)
            {
                output.WriteLine($"{pad}  -");
                WriteObject(output, complex, indent + 4);
            }
            else
            {
                output.WriteLine($"{pad}  - {Scalar(element)}");
            }
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => Empty,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>().ReplaceLineEndings(" "),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
            value.GetValue<bool>() ? "true" : "false",
        _ => node.ToJsonString(),
    };
}
