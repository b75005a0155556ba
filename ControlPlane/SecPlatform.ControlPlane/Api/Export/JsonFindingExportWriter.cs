using System.Text.Json;
using Google.Protobuf;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Api.Export;

/// <summary><c>{"findings": [...]}</c>, each finding exactly as the API's JSON shows it (ListFindings items).</summary>
internal sealed class JsonFindingExportWriter : FindingExportWriter
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    private readonly Utf8JsonWriter _json;

    public JsonFindingExportWriter() => _json = new Utf8JsonWriter(Buffer, new JsonWriterOptions { Indented = true });

    public override string ContentType => "application/json";

    public override void Begin()
    {
        _json.WriteStartObject();
        _json.WriteStartArray("findings");
    }

    public override void Write(IReadOnlyList<Finding> page)
    {
        foreach (var finding in page)
        {
            _json.WriteRawValue(Formatter.Format(ProtoMapper.ToProto(finding)), skipInputValidation: true);
        }
    }

    public override void End()
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    protected override void Flush() => _json.Flush();
}
