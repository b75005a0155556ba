using System.Buffers;
using System.Globalization;
using System.Text;
using SecPlatform.Contracts.Formats;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Api.Export;

/// <summary>
/// RFC 4180 CSV (see <see cref="CsvFormat"/>): a header row, then one record per finding with a fixed column set;
/// lists (CVEs, CWEs) are joined with ';', times are RFC 3339 UTC.
/// </summary>
internal sealed class CsvFindingExportWriter : FindingExportWriter
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "id", "tenant_id", "status", "severity", "scanner", "rule_id", "title", "asset_kind", "asset_value", "asset_id", "host",
        "file", "line", "column", "port", "protocol", "message", "cves", "cwes", "evidence", "fingerprint", "first_seen",
        "last_seen", "occurrences", "last_command_id",
    ];

    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);

    public override string ContentType => CsvFormat.ContentType + "; charset=utf-8";

    public override void Begin() => CsvFormat.WriteRecord(_text, Columns);

    public override void Write(IReadOnlyList<Finding> page)
    {
        foreach (var f in page)
        {
            var o = f.Observed;
            CsvFormat.WriteRecord(_text,
            [
                f.Id, f.TenantId, f.Status, SeverityWords.Of(o.Severity), o.Scanner, o.RuleId, o.Title, o.AssetKind, o.AssetValue, f.AssetId,
                o.Host, o.File, Number(o.Line), Number(o.Column), Number(o.Port), o.Protocol, o.Message, string.Join(';', o.Cves),
                string.Join(';', o.Cwes), o.Evidence, o.Fingerprint, Time(f.FirstSeen), Time(f.LastSeen),
                f.Occurrences.ToString(CultureInfo.InvariantCulture), f.LastCommandId,
            ]);
        }
    }

    public override void End()
    {
    }

    protected override void Flush()
    {
        var builder = _text.GetStringBuilder();
        if (builder.Length == 0)
        {
            return;
        }

        Buffer.Write(Encoding.UTF8.GetBytes(builder.ToString()));
        builder.Clear();
    }

    private static string Number(int value) => value == 0 ? "" : value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
