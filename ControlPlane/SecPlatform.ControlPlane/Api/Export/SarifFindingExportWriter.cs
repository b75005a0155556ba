using System.Globalization;
using System.Text.Json;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Api.Export;

/// <summary>
/// SARIF 2.1.0: one log, one run per scanner (findings arrive grouped by scanner). A run's results come before its
/// tool, whose rules are the distinct rule ids of the results: JSON member order is free, and this way a run's rules
/// are known when they are written without holding its results. Severity maps to level (critical and high: error,
/// medium: warning, low and info: note) and is kept in the result's properties. File findings have a physical
/// location (file URI and region); network findings a logical one (host:port/protocol). The fingerprint goes into
/// partialFingerprints, so tools that track results across runs match them as this platform does. False positives
/// and accepted risks carry an external, accepted suppression.
/// </summary>
internal sealed class SarifFindingExportWriter : FindingExportWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string FingerprintKey = "secplatformFingerprint/v1";

    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private string? _scanner;

    public SarifFindingExportWriter() => _json = new Utf8JsonWriter(Buffer, new JsonWriterOptions { Indented = true });

    public override string ContentType => "application/sarif+json";

    public override void Begin()
    {
        _json.WriteStartObject();
        _json.WriteString("$schema", SchemaUri);
        _json.WriteString("version", "2.1.0");
        _json.WriteStartArray("runs");
    }

    public override void Write(IReadOnlyList<Finding> page)
    {
        foreach (var finding in page)
        {
            if (finding.Observed.Scanner != _scanner)
            {
                EndRun();
                StartRun(finding.Observed.Scanner);
            }

            WriteResult(finding);
        }
    }

    public override void End()
    {
        EndRun();
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    protected override void Flush() => _json.Flush();

    private void StartRun(string scanner)
    {
        _scanner = scanner;
        _rules.Clear();
        _json.WriteStartObject();
        _json.WriteStartArray("results");
    }

    private void EndRun()
    {
        if (_scanner is null)
        {
            return;
        }

        _json.WriteEndArray();
        _json.WriteStartObject("tool");
        _json.WriteStartObject("driver");
        _json.WriteString("name", _scanner);
        _json.WriteStartArray("rules");
        foreach (var (id, title) in _rules.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            _json.WriteStartObject();
            _json.WriteString("id", id);
            WriteMessage("shortDescription", title);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteString("columnKind", "unicodeCodePoints");
        _json.WriteEndObject();
        _scanner = null;
    }

    private void WriteResult(Finding finding)
    {
        var o = finding.Observed;
        _rules.TryAdd(o.RuleId, string.IsNullOrWhiteSpace(o.Title) ? o.RuleId : o.Title);
        _json.WriteStartObject();
        _json.WriteString("ruleId", o.RuleId);
        _json.WriteString("level", Level(o.Severity));
        WriteMessage("message", FirstText(o.Message, o.Title, o.RuleId));
        _json.WriteStartArray("locations");
        _json.WriteStartObject();
        if (o.File.Length > 0)
        {
            _json.WriteStartObject("physicalLocation");
            _json.WriteStartObject("artifactLocation");
            _json.WriteString("uri", FileUri(o.File));
            _json.WriteEndObject();
            if (o.Line > 0)
            {
                _json.WriteStartObject("region");
                _json.WriteNumber("startLine", o.Line);
                if (o.Column > 0)
                {
                    _json.WriteNumber("startColumn", o.Column);
                }

                _json.WriteEndObject();
            }

            _json.WriteEndObject();
        }

        _json.WriteStartArray("logicalLocations");
        _json.WriteStartObject();
        var name = o.Port > 0 ? $"{FirstText(o.Host, o.AssetValue)}:{o.Port.ToString(CultureInfo.InvariantCulture)}/{o.Protocol}" : o.AssetValue;
        _json.WriteString("fullyQualifiedName", name);
        _json.WriteString("kind", "resource");
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndArray();

        if (finding.Status is FindingStatus.FalsePositive or FindingStatus.AcceptedRisk)
        {
            // An admin's triage: SARIF viewers hide suppressed results; the decision itself is in the finding's history.
            _json.WriteStartArray("suppressions");
            _json.WriteStartObject();
            _json.WriteString("kind", "external");
            _json.WriteString("status", "accepted");
            _json.WriteString("justification", finding.Status);
            _json.WriteEndObject();
            _json.WriteEndArray();
        }

        _json.WriteStartObject("partialFingerprints");
        _json.WriteString(FingerprintKey, o.Fingerprint);
        _json.WriteEndObject();

        _json.WriteStartObject("properties");
        _json.WriteString("findingId", finding.Id);
        _json.WriteString("tenantId", finding.TenantId);
        _json.WriteString("status", finding.Status);
        _json.WriteString("severity", SeverityWords.Of(o.Severity));
        _json.WriteString("assetKind", o.AssetKind);
        _json.WriteString("assetValue", o.AssetValue);
        if (finding.AssetId.Length > 0)
        {
            _json.WriteString("assetId", finding.AssetId);
        }

        if (o.Host.Length > 0)
        {
            _json.WriteString("host", o.Host);
        }

        if (o.Port > 0)
        {
            _json.WriteNumber("port", o.Port);
            _json.WriteString("protocol", o.Protocol);
        }

        WriteList("cves", o.Cves);
        WriteList("cwes", o.Cwes);
        _json.WriteString("firstSeen", finding.FirstSeen.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        _json.WriteString("lastSeen", finding.LastSeen.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        _json.WriteNumber("occurrences", finding.Occurrences);
        _json.WriteString("lastCommandId", finding.LastCommandId);
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    private void WriteMessage(string property, string text)
    {
        _json.WriteStartObject(property);
        _json.WriteString("text", text);
        _json.WriteEndObject();
    }

    private void WriteList(string property, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        _json.WriteStartArray(property);
        foreach (var value in values)
        {
            _json.WriteStringValue(value);
        }

        _json.WriteEndArray();
    }

    private static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    private static string FirstText(params string[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c)) ?? "finding";

    /// <summary>An absolute path as a file URI (escaped); anything else as a relative reference.</summary>
    private static string FileUri(string path) =>
        path.StartsWith('/') && Uri.TryCreate("file://" + path, UriKind.Absolute, out var uri) ? uri.AbsoluteUri
        : Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal);
}
