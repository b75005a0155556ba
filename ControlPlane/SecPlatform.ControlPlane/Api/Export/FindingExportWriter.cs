using System.Buffers;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Api.Export;

/// <summary>
/// Renders one export document into a buffer, page by page, so the server can send each page's bytes and reuse the
/// buffer: the document is never held whole. Findings arrive in <see cref="Core.Services.FindingService.ExportOrder"/>.
/// </summary>
internal abstract class FindingExportWriter
{
    /// <summary>The formats, as requests name them.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["sarif", "csv", "json"];

    protected ArrayBufferWriter<byte> Buffer { get; } = new(64 * 1024);

    public abstract string ContentType { get; }

    public static FindingExportWriter? For(string format) => format switch
    {
        "sarif" => new SarifFindingExportWriter(),
        "csv" => new CsvFindingExportWriter(),
        "json" => new JsonFindingExportWriter(),
        _ => null,
    };

    public abstract void Begin();

    public abstract void Write(IReadOnlyList<Finding> page);

    public abstract void End();

    /// <summary>The bytes rendered since the last take.</summary>
    public byte[] Take()
    {
        Flush();
        var bytes = Buffer.WrittenSpan.ToArray();
        Buffer.ResetWrittenCount();
        return bytes;
    }

    protected abstract void Flush();
}
