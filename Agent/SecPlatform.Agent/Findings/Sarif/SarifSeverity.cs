using System.Globalization;

namespace SecPlatform.Agent.Findings.Sarif;

/// <summary>
/// Severity mappings for SARIF producers.
/// <list type="table">
/// <item><term>generic</term><description>a numeric <c>security-severity</c> property (CVSS-like, 0-10, as GitHub code
/// scanning uses it) wins: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low, 0 info. Otherwise the result's
/// <c>level</c> (else the rule's default level, else SARIF's default <c>warning</c>): error high, warning medium,
/// note low, none info.</description></item>
/// <item><term>flawfinder</term><description>its risk level 0-5, which it ships as <c>rank</c> = level / 5:
/// 4-5 high, 3 medium, 1-2 low, 0 info (its SARIF level merges 4 with 5 and 0-2 into note).</description></item>
/// <item><term>secretlint</term><description>a secret in a file is at least high: error (every rule of the recommended
/// preset) high, warning medium, anything else low.</description></item>
/// </list>
/// </summary>
public static class SarifSeverity
{
    public static Severity FromLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "error" => Severity.High,
        "note" => Severity.Low,
        "none" => Severity.Info,
        _ => Severity.Medium,
    };

    public static Severity FromSecuritySeverity(double score) => score switch
    {
        >= 9.0 => Severity.Critical,
        >= 7.0 => Severity.High,
        >= 4.0 => Severity.Medium,
        > 0 => Severity.Low,
        _ => Severity.Info,
    };

    public static Severity FromFlawfinderRank(double rank) => (int)Math.Round(rank * 5, MidpointRounding.AwayFromZero) switch
    {
        >= 4 => Severity.High,
        3 => Severity.Medium,
        >= 1 => Severity.Low,
        _ => Severity.Info,
    };

    public static Severity FromSecretlintLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "error" or null => Severity.High,
        "warning" => Severity.Medium,
        _ => Severity.Low,
    };

    internal static Severity Generic(SarifResult result, SarifRule? rule)
    {
        if ((SecurityScore(result.Properties) ?? SecurityScore(rule?.Properties)) is { } score)
        {
            return FromSecuritySeverity(score);
        }

        return FromLevel(result.Level ?? rule?.DefaultConfiguration?.Level);
    }

    internal static Severity Flawfinder(SarifResult result, SarifRule? rule) =>
        result.Rank is { } rank and >= 0 and <= 1 ? FromFlawfinderRank(rank) : Generic(result, rule);

    internal static Severity Secretlint(SarifResult result, SarifRule? rule) =>
        FromSecretlintLevel(result.Level ?? rule?.DefaultConfiguration?.Level);

    private static double? SecurityScore(SarifPropertyBag? properties)
    {
        if (properties?.Extra is null || !properties.Extra.TryGetValue("security-severity", out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Number when value.TryGetDouble(out var number) => number,
            System.Text.Json.JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }
}
