using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// shellcheck 0.9: <c>shellcheck -f json1 --norc -- FILE...</c>. It does not walk directories, so for a directory
/// the agent lists the shell scripts itself (by extension or a sh/bash/dash/ksh shebang; symbolic links and empty
/// files are skipped, at most <see cref="MaxFiles"/> files). <c>--norc</c> keeps a <c>.shellcheckrc</c> in the
/// scanned tree from switching checks off. Exit codes: 0 clean, 1 findings, 2 a file could not be read, 3 bad options.
/// </summary>
public sealed class ShellCheckEntry : ScannerEntry
{
    public const int MaxFiles = 1000;
    public const int MaxArgumentChars = 512 * 1024;

    private static readonly string[] Extensions = [".sh", ".bash", ".dash", ".ksh"];
    private static readonly string[] Shells = ["sh", "bash", "dash", "ksh"];

    public override ScannerSpec Spec { get; } = ScannerCatalog.Find(SupportedScanners.ShellCheck)!;

    public override string Executable => "shellcheck";

    public override ScannerVersionProbe Probe => SupportedScanners.Probes.Single(p => p.ScannerId == SupportedScanners.ShellCheck);

    public override TimeSpan DefaultTimeout => TimeSpan.FromMinutes(10);

    public override ExitCodeMeaning ExitCodes { get; } = new(
        new HashSet<int> { 0, 1 },
        new Dictionary<int, string> { [2] = "a file could not be read", [3] = "bad options (an agent bug)" });

    public override ScanPlan Plan(ScanTarget target)
    {
        if (!target.IsDirectory)
        {
            return ScanPlan.Run(["-f", "json1", "--norc", "--", target.Path!], target.Directory!);
        }

        var scripts = new List<string>();
        var total = 0;
        var more = 0;
        foreach (var script in FindScripts(target.Path!))
        {
            if (scripts.Count >= MaxFiles || total + script.Length > MaxArgumentChars)
            {
                more++;
                continue;
            }

            scripts.Add(script);
            total += script.Length + 1;
        }

        if (scripts.Count == 0)
        {
            return ScanPlan.Skip($"no shell scripts under {target.Path}");
        }

        scripts.Sort(StringComparer.Ordinal);
        var note = more > 0 ? $"only {scripts.Count} of {scripts.Count + more} shell scripts were checked" : null;
        return ScanPlan.Run(["-f", "json1", "--norc", "--", .. scripts], target.Path!, note);
    }

    public override IScanOutputParser CreateParser(ScanTarget target) => ShellCheckParser.Instance;

    private static IEnumerable<string> FindScripts(string directory)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            MaxRecursionDepth = 64,
            MatchType = MatchType.Simple,
        };
        var files = new System.IO.Enumeration.FileSystemEnumerable<(string Path, long Length)>(
            directory,
            (ref System.IO.Enumeration.FileSystemEntry entry) => (entry.ToFullPath(), entry.Length),
            options)
        {
            // Empty entries are skipped: they hold no script, and FIFOs and devices (which would block a reader) are empty.
            ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry entry) => !entry.IsDirectory && entry.Length > 0,
        };

        foreach (var (path, length) in files)
        {
            if (Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase) || (!Path.HasExtension(path) && HasShellShebang(path, length)))
            {
                yield return path;
            }
        }
    }

    private static bool HasShellShebang(string path, long length)
    {
        if (length < 4)
        {
            return false;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Span<byte> head = stackalloc byte[128];
            var read = stream.Read(head);
            var line = System.Text.Encoding.ASCII.GetString(head[..read]).Split('\n')[0];
            if (!line.StartsWith("#!", StringComparison.Ordinal))
            {
                return false;
            }

            var words = line[2..].Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
            var interpreter = words.Length == 0 ? "" : Path.GetFileName(words[0]);
            if (interpreter == "env" && words.Length > 1)
            {
                interpreter = words.Skip(1).FirstOrDefault(w => !w.StartsWith('-')) ?? "";
            }

            return Shells.Contains(interpreter, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
