using System.Text.Json.Serialization;

namespace SecPlatform.ControlPlane.Downloads;

/// <summary>
/// <c>GET /downloads/</c> (JSON list), <c>GET /downloads/SHA256SUMS</c> and <c>GET /downloads/{name}</c>: unauthenticated and
/// read-only, so a machine that can reach only the control plane can fetch the agent and its installer (pinned).
/// HEAD works on each.
/// </summary>
public static class DownloadEndpoints
{
    public const string Prefix = "/downloads";

    public static void MapDownloads(this WebApplication app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        // Routing ignores a trailing slash: this serves /downloads and /downloads/.
        app.MapMethods(Prefix, methods, ListAsync);
        app.MapMethods(Prefix + "/{name}", methods, async (string name, DownloadCatalog catalog, CancellationToken cancellationToken) =>
        {
            if (name == DownloadCatalog.ChecksumsName)
            {
                return Results.Text(await catalog.ChecksumsAsync(cancellationToken), "text/plain; charset=utf-8");
            }

            var file = await catalog.FindAsync(name, cancellationToken);
            return file is null
                ? Results.NotFound()
                : Results.File(file.FullPath, "application/octet-stream", file.Name, enableRangeProcessing: true);
        });
    }

    private static async Task<IResult> ListAsync(DownloadCatalog catalog, CancellationToken cancellationToken)
    {
        var files = await catalog.ListAsync(cancellationToken);
        return Results.Json(new DownloadList([.. files.Select(file => new DownloadListEntry(file.Name, file.Size, file.Sha256))]));
    }

    private sealed record DownloadList([property: JsonPropertyName("files")] IReadOnlyList<DownloadListEntry> Files);

    private sealed record DownloadListEntry(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("size")] long Size,
        [property: JsonPropertyName("sha256")] string Sha256);
}
