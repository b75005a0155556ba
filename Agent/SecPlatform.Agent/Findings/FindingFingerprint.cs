using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecPlatform.Agent.Findings;

/// <summary>
/// The fingerprint recipe: SHA-256 (lowercase hex) over the length-prefixed UTF-8 fields
/// <c>scanner, rule id, asset kind, asset value, location key, occurrence</c>, where
/// <list type="bullet">
/// <item>the location key of a file finding is <c>line:L|col:C</c>, or <c>ctx:H|col:C</c> when the tool ships a
/// context hash (flawfinder's <c>contextHash/v1</c> hashes the flagged line's text, so the fingerprint survives
/// lines moving); an absent column is empty;</item>
/// <item>the location key of a network finding is <c>protocol/port</c> (so rule + host + protocol + port);</item>
/// <item>occurrence is the 0-based index among earlier findings of the same run with the same scanner, rule,
/// asset and location key, in output order: hits that differ only by column stay distinct through the key, exact
/// repeats on one line (bandit has no column) through their order.</item>
/// </list>
/// The same input scanned twice yields the same fingerprints, because the tools report in a stable order.
/// </summary>
public static class FindingFingerprint
{
    public static string FileLocationKey(int? line, int? column, string? contextHash) =>
        (contextHash is { Length: > 0 } ? "ctx:" + contextHash : "line:" + Number(line)) + "|col:" + Number(column);

    public static string NetworkLocationKey(string protocol, int port) =>
        protocol.ToLowerInvariant() + "/" + port.ToString(CultureInfo.InvariantCulture);

    public static string Compute(string scanner, string ruleId, FindingAsset asset, string locationKey, int occurrence)
    {
        var builder = new StringBuilder();
        foreach (var field in new[] { scanner, ruleId, asset.Kind.ToString().ToLowerInvariant(), asset.Value, locationKey, occurrence.ToString(CultureInfo.InvariantCulture) })
        {
            builder.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
