using System.Text.RegularExpressions;

namespace SecPlatform.Agent.Scanners;

/// <summary>
/// The scanners this agent knows how to detect, with parsers for the real <c>--version</c> text of
/// each tool (see shared/SCANNERS.md for the versions checked).
/// </summary>
public static partial class SupportedScanners
{
    public const string ShellCheck = "shellcheck";
    public const string Flawfinder = "flawfinder";
    public const string Secretlint = "secretlint";
    public const string Bandit = "bandit";
    public const string Nmap = "nmap";
    public const string Cdxgen = "cdxgen";

    public static IReadOnlyList<ScannerVersionProbe> Probes { get; } =
    [
        new(ShellCheck, "shellcheck", ["--version"], ParseShellCheckVersion),
        new(Flawfinder, "flawfinder", ["--version"], ParseBareVersion),
        new(Secretlint, "secretlint", ["--version"], ParseBareVersion),
        new(Bandit, "bandit", ["--version"], ParseBanditVersion),
        new(Nmap, "nmap", ["--version"], ParseNmapVersion),
        new(Cdxgen, "cdxgen", ["--version"], ParseCdxgenVersion),
    ];

    /// <summary>shellcheck: a banner, then <c>version: 0.9.0</c>.</summary>
    public static string? ParseShellCheckVersion(string output) => Match(ShellCheckPattern(), output);

    /// <summary>flawfinder and secretlint print the bare version (<c>2.0.19</c>, <c>12.0.0</c>).</summary>
    public static string? ParseBareVersion(string output) => Match(BareVersionPattern(), output);

    /// <summary>bandit: <c>bandit 1.6.2</c>, then the Python version, which must not be taken for bandit's.</summary>
    public static string? ParseBanditVersion(string output) => Match(BanditPattern(), output);

    /// <summary>nmap: <c>Nmap version 7.93 ( https://nmap.org )</c>.</summary>
    public static string? ParseNmapVersion(string output) => Match(NmapPattern(), output);

    /// <summary>cdxgen: <c>CycloneDX Generator 12.8.4</c> (in bold: ANSI codes around it), then the Node.js runtime line.</summary>
    public static string? ParseCdxgenVersion(string output) => Match(CdxgenPattern(), output);

    private static string? Match(Regex pattern, string output)
    {
        var match = pattern.Match(output);
        return match.Success ? match.Groups["version"].Value : null;
    }

    // A version is digits and dots with an optional suffix (rc1, -beta, +git); bounded so odd output is not sent on.
    private const string Version = @"(?<version>\d+(?:\.\d+){1,3}(?:[-+.~]?[0-9A-Za-z]+){0,3})";

    [GeneratedRegex(@"^version:\s*" + Version + @"\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ShellCheckPattern();

    [GeneratedRegex(@"\A\s*v?" + Version + @"\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex BareVersionPattern();

    [GeneratedRegex(@"\A\s*bandit\s+" + Version + @"\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex BanditPattern();

    [GeneratedRegex(@"^Nmap version\s+" + Version + @"\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex NmapPattern();

    [GeneratedRegex(@"CycloneDX Generator\s+" + Version + @"\b", RegexOptions.CultureInvariant)]
    private static partial Regex CdxgenPattern();
}
