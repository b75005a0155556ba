using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SecPlatform.ControlPlane.Downloads;

/// <summary>
/// The files of the downloads directory (agent packages, installers) that <c>GET /downloads/</c> serves, with their
/// SHA-256. Only plain names (<c>[A-Za-z0-9._-]+</c>) of regular files directly in the directory are served, so no
/// request can reach outside it. Hashes are computed once per file version (length and modification time), so a
/// package replaced while the service runs gets a fresh checksum.
/// </summary>
public sealed partial class DownloadCatalog(string directory)
{
    public const string ChecksumsName = "SHA256SUMS";

    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified, string Sha256)> _hashes = new(StringComparer.Ordinal);

    public string Directory { get; } = directory;

    public static bool IsValidName(string name) => name.Length <= 255 && SafeName().IsMatch(name) && name is not ("." or "..");

    /// <summary>The files served, by name (ordinal); the generated SHA256SUMS is not among them.</summary>
    public async Task<IReadOnlyList<DownloadFile>> ListAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var files = new List<DownloadFile>();
        foreach (var info in new DirectoryInfo(Directory).EnumerateFiles().OrderBy(file => file.Name, StringComparer.Ordinal))
        {
            if (IsValidName(info.Name) && info.Name != ChecksumsName && !info.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                files.Add(await DescribeAsync(info, cancellationToken));
            }
        }

        return files;
    }

    /// <summary>The file called <paramref name="name"/>, or null when the name is not valid or no such file is served.</summary>
    public async Task<DownloadFile?> FindAsync(string name, CancellationToken cancellationToken)
    {
        if (!IsValidName(name) || name == ChecksumsName)
        {
            return null;
        }

        var info = new FileInfo(Path.Combine(Directory, name));
        return info.Exists && !info.Attributes.HasFlag(FileAttributes.ReparsePoint) ? await DescribeAsync(info, cancellationToken) : null;
    }

    /// <summary>The <c>sha256sum</c> format: <c>&lt;hex&gt;  &lt;name&gt;</c> per line.</summary>
    public async Task<string> ChecksumsAsync(CancellationToken cancellationToken) =>
        string.Concat((await ListAsync(cancellationToken)).Select(file => $"{file.Sha256}  {file.Name}\n"));

    private async Task<DownloadFile> DescribeAsync(FileInfo info, CancellationToken cancellationToken)
    {
        var modified = info.LastWriteTimeUtc;
        if (_hashes.TryGetValue(info.Name, out var known) && known.Length == info.Length && known.Modified == modified)
        {
            return new DownloadFile(info.Name, info.FullName, info.Length, known.Sha256);
        }

        string sha256;
        await using (var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        _hashes[info.Name] = (info.Length, modified, sha256);
        return new DownloadFile(info.Name, info.FullName, info.Length, sha256);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();
}
