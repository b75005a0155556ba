using System.Text.Json;
using System.Text.RegularExpressions;
using SecPlatform.Agent.Scanners.Execution;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// TEST HOOK. Extra, test-only catalog entries read from the JSON file named by
/// <c>$SECPLAT_AGENT_EXTRA_CATALOG</c> (<see cref="EnvironmentVariable"/>): stand-ins such as a stub that records
/// its argv, or a slow script that spawns children for cancellation tests. They never replace a real scanner (their
/// ids must differ from the contract's), run only what the file names, and pass the same policy checks. Production
/// installs leave the variable unset. Format:
/// <code>
/// { "scanners": [ {
///     "id": "argv-stub",                       // [a-z0-9-], 1-40 characters
///     "executable": "/abs/path/to/script",     // absolute
///     "arguments": ["--target", "{path}"],     // {path} {host} {ports} only as whole elements
///     "parser": "none",                        // or "sarif"
///     "timeoutSeconds": 60,                    // optional, default 60
///     "successExitCodes": [0],                 // optional, default [0]
///     "maxStdoutBytes": 8388608,               // optional
///     "maxStderrBytes": 65536                  // optional
/// } ] }
/// </code>
/// </summary>
public static partial class ExtraCatalogFile
{
    public const string EnvironmentVariable = "SECPLAT_AGENT_EXTRA_CATALOG";
    public const int MaxFileBytes = 1024 * 1024;

    public static IReadOnlyList<TemplateScannerEntry> Load(string path, string defaultWorkingDirectory)
    {
        Document? document;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                throw new CatalogFileException($"the test catalog file {path} is bigger than {MaxFileBytes} bytes");
            }

            document = JsonSerializer.Deserialize<Document>(File.ReadAllBytes(path), new JsonSerializerOptions(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CatalogFileException($"cannot read the test catalog file {path}: {e.Message}", e);
        }

        var entries = new List<TemplateScannerEntry>();
        foreach (var scanner in document?.Scanners ?? [])
        {
            var entry = Create(scanner, defaultWorkingDirectory);
            if (entries.Any(existing => existing.Id == entry.Id))
            {
                throw new CatalogFileException($"the test catalog file {path} names scanner '{entry.Id}' twice");
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static TemplateScannerEntry Create(Scanner scanner, string defaultWorkingDirectory)
    {
        var id = scanner.Id ?? "";
        if (!IdPattern().IsMatch(id))
        {
            throw new CatalogFileException($"test catalog entry id '{id}' must be 1-40 characters of [a-z0-9-]");
        }

        if (ScannerCatalog.Find(id) is not null)
        {
            throw new CatalogFileException($"test catalog entry '{id}' would replace a real scanner; test entries need their own ids");
        }

        if (scanner.Executable is not { } executable || !Path.IsPathFullyQualified(executable))
        {
            throw new CatalogFileException($"test catalog entry '{id}' needs an absolute executable path");
        }

        var arguments = scanner.Arguments ?? [];
        foreach (var argument in arguments)
        {
            var isPlaceholder = argument is TemplateScannerEntry.PathPlaceholder or TemplateScannerEntry.HostPlaceholder or TemplateScannerEntry.PortsPlaceholder;
            if (!isPlaceholder && (argument.Contains('{') || argument.Contains('}')))
            {
                throw new CatalogFileException($"test catalog entry '{id}': argument '{argument}' mixes text and a placeholder; {{path}}, {{host}} and {{ports}} must be whole arguments");
            }
        }

        var parser = scanner.Parser ?? "none";
        if (parser is not ("none" or "sarif"))
        {
            throw new CatalogFileException($"test catalog entry '{id}': parser must be 'none' or 'sarif'");
        }

        var defaults = OutputLimits.Default;
        var limits = defaults with
        {
            MaxStdoutBytes = scanner.MaxStdoutBytes is > 0 and <= 64L * 1024 * 1024 ? (int)scanner.MaxStdoutBytes.Value : defaults.MaxStdoutBytes,
            MaxStderrBytes = scanner.MaxStderrBytes is > 0 and <= 1024 * 1024 ? (int)scanner.MaxStderrBytes.Value : defaults.MaxStderrBytes,
        };
        var timeout = TimeSpan.FromSeconds(scanner.TimeoutSeconds is > 0 and <= 86_400 ? scanner.TimeoutSeconds.Value : 60);
        var success = (scanner.SuccessExitCodes is { Count: > 0 } codes ? codes : [0]).ToHashSet();
        return new TemplateScannerEntry(id, executable, arguments, parser, timeout, success, limits, defaultWorkingDirectory);
    }

    [GeneratedRegex("^[a-z0-9-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    private sealed record Document(IReadOnlyList<Scanner>? Scanners);

    private sealed record Scanner(
        string? Id,
        string? Executable,
        IReadOnlyList<string>? Arguments,
        string? Parser,
        double? TimeoutSeconds,
        IReadOnlyList<int>? SuccessExitCodes,
        long? MaxStdoutBytes,
        long? MaxStderrBytes);
}
