using System.Text.RegularExpressions;

namespace SecPlatform.Agent.Findings;

/// <summary>
/// Builds <see cref="NormalizedFinding"/>s for one run: cleans and bounds the text (masking secrets), makes file
/// paths absolute, collects CVE/CWE ids, and computes fingerprints with the occurrence counting of
/// <see cref="FindingFingerprint"/>. Parsers call it in output order.
/// </summary>
public sealed partial class FindingCollector(ParseContext context)
{
    private readonly List<NormalizedFinding> _findings = [];
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);

    public IReadOnlyList<NormalizedFinding> Findings => _findings;

    /// <summary>True once <see cref="FindingLimits.MaxFindingsPerRun"/> was reached; later findings are dropped.</summary>
    public bool Full => _findings.Count >= FindingLimits.MaxFindingsPerRun;

    public ParseContext Context => context;

    /// <summary>Adds a finding on a file; false when the file path is unusable or the run is full.</summary>
    public bool AddFileFinding(
        string ruleId,
        string? title,
        Severity severity,
        string file,
        int? line,
        int? column,
        int? endLine,
        int? endColumn,
        string? message,
        string? evidence,
        IEnumerable<string>? ids = null,
        string? contextHash = null)
    {
        var path = AbsolutePath(file);
        if (path is null || Full)
        {
            return false;
        }

        var asset = FindingAsset.File(context.AgentHost, path);
        var location = new FindingLocation(path, Positive(line), Positive(column), Positive(endLine), Positive(endColumn));
        var key = FindingFingerprint.FileLocationKey(location.Line, location.Column, contextHash);
        Add(ruleId, title, severity, asset, context.AgentHost, location, key, message, evidence, ids);
        return true;
    }

    /// <summary>Adds a finding on a network port of <paramref name="address"/>.</summary>
    public bool AddNetworkFinding(string ruleId, string title, Severity severity, string address, string protocol, int port, string? message, string? evidence)
    {
        if (Full)
        {
            return false;
        }

        var asset = FindingAsset.Address(address);
        var location = new FindingLocation(Port: port, Protocol: protocol.ToLowerInvariant());
        var key = FindingFingerprint.NetworkLocationKey(protocol, port);
        Add(ruleId, title, severity, asset, context.TargetHost ?? address, location, key, message, evidence, null);
        return true;
    }

    private void Add(string ruleId, string? title, Severity severity, FindingAsset asset, string host, FindingLocation location, string locationKey, string? message, string? evidence, IEnumerable<string>? ids)
    {
        // Rule ids are identifiers, not prose: cleaned and bounded, never masked (they are part of the fingerprint).
        var rule = FindingText.Clean(ruleId, FindingLimits.MaxRuleIdChars, mask: false);
        if (rule.Length == 0)
        {
            rule = "unknown";
        }

        var cleanMessage = FindingText.Clean(message, FindingLimits.MaxMessageChars);
        var cleanTitle = FindingText.Clean(title, FindingLimits.MaxTitleChars);
        if (cleanTitle.Length == 0)
        {
            cleanTitle = cleanMessage.Length > 0 ? FindingText.Truncate(cleanMessage, FindingLimits.MaxTitleChars) : rule;
        }

        var cleanEvidence = FindingText.Clean(evidence, FindingLimits.MaxEvidenceChars, keepLines: true);

        // Ids are looked for in what the tool gave, before masking could hide them.
        var texts = (ids ?? []).Append(ruleId).Append(title ?? "").Append(message ?? "").ToList();
        var cves = Ids(texts, CvePattern());
        var cwes = Ids(texts, CwePattern());

        var identity = string.Join('\n', rule, asset.Kind, asset.Value, locationKey);
        _occurrences.TryGetValue(identity, out var occurrence);
        _occurrences[identity] = occurrence + 1;

        _findings.Add(new NormalizedFinding(
            context.ScannerId,
            rule,
            cleanTitle,
            severity,
            asset,
            host,
            location,
            cleanMessage,
            cves,
            cwes,
            cleanEvidence.Length == 0 ? null : cleanEvidence,
            FindingFingerprint.Compute(context.ScannerId, rule, asset, locationKey, occurrence)));
    }

    private string? AbsolutePath(string file)
    {
        if (string.IsNullOrWhiteSpace(file) || file.Length > FindingLimits.MaxPathChars || file.Contains('\0'))
        {
            return null;
        }

        try
        {
            return Path.GetFullPath(Path.IsPathFullyQualified(file) ? file : Path.Combine(context.WorkingDirectory, file));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    private static int? Positive(int? value) => value is > 0 ? value : null;

    private static IReadOnlyList<string> Ids(IEnumerable<string> texts, Regex pattern) =>
    [
        .. texts.SelectMany(text => pattern.Matches(text).Select(match => match.Value.ToUpperInvariant()))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Take(FindingLimits.MaxIdsPerKind),
    ];

    [GeneratedRegex(@"\bCVE-\d{4}-\d{4,7}\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex CvePattern();

    [GeneratedRegex(@"\bCWE-\d{1,5}\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex CwePattern();
}
