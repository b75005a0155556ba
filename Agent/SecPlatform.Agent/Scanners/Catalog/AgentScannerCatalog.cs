using Microsoft.Extensions.Logging;
using SecPlatform.Agent.Platform;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// The agent's side of the scanner catalog: one <see cref="ScannerEntry"/> per scanner id of the contract
/// (<see cref="ScannerCatalog.All"/>), plus test-only entries when <see cref="ExtraCatalogFile"/> names some.
/// Only scanners in this catalog ever run.
/// </summary>
public sealed class AgentScannerCatalog
{
    private readonly Dictionary<string, ScannerEntry> _entries;

    public AgentScannerCatalog(IEnumerable<ScannerEntry> entries)
    {
        Entries = [.. entries];
        _entries = Entries.ToDictionary(entry => entry.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<ScannerEntry> Entries { get; }

    /// <summary>The version probes of the real scanners, for <see cref="ScannerDetector"/>.</summary>
    public IReadOnlyList<ScannerVersionProbe> Probes => [.. Entries.Select(entry => entry.Probe).OfType<ScannerVersionProbe>()];

    public ScannerEntry? Find(string id) => _entries.GetValueOrDefault(id);

    /// <summary>The real scanners.</summary>
    public static IReadOnlyList<ScannerEntry> BuiltIn(IAgentPlatform platform) =>
    [
        new ShellCheckEntry(),
        new FlawfinderEntry(),
        new SecretlintEntry(),
        new BanditEntry(platform.NullDevice),
        new NmapEntry(Path.GetTempPath()),
        new CdxgenEntry(Path.GetTempPath()),
    ];

    /// <summary>The real scanners, plus the test-only entries of <c>$SECPLAT_AGENT_EXTRA_CATALOG</c> when it is set.</summary>
    public static AgentScannerCatalog Create(IAgentPlatform platform, Func<string, string?> getEnvironmentVariable, ILogger? logger = null)
    {
        var entries = new List<ScannerEntry>(BuiltIn(platform));
        if (getEnvironmentVariable(ExtraCatalogFile.EnvironmentVariable) is { Length: > 0 } file)
        {
            var extra = ExtraCatalogFile.Load(file, Path.GetTempPath());
            logger?.LogWarning("Loaded {Count} TEST-ONLY scanner entries from {File} (${Variable}); unset it outside tests",
                extra.Count, file, ExtraCatalogFile.EnvironmentVariable);
            entries.AddRange(extra);
        }

        return new AgentScannerCatalog(entries);
    }
}
