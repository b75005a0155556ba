using System.Text.RegularExpressions;

namespace SecPlatform.Agent.Findings;

/// <summary>
/// Masks what looks like a secret in text that leaves the agent (evidence, messages, the log tail): private key
/// blocks, well-known token formats (cloud keys, GitHub, Slack, GitLab, npm, Stripe, Google, JWTs, this platform's
/// own keys), credentials in URLs, values assigned to password/secret/token/key-like names (also inside JSON, where
/// quotes are escaped), and long random-looking strings. It errs on the side of masking; a masked value is never recoverable from the output (the mask does not
/// keep the length).
/// </summary>
public static partial class SecretMasker
{
    public const string Mask = "****";

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    public static string MaskSecrets(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        try
        {
            text = PrivateKeyBlock().Replace(text, "-----BEGIN PRIVATE KEY-----" + Mask + "-----END PRIVATE KEY-----");
            text = PrefixedToken().Replace(text, match => match.Groups["prefix"].Value + Mask);
            text = UrlCredentials().Replace(text, match => match.Groups["scheme"].Value + Mask + "@");
            text = BearerToken().Replace(text, match => match.Groups["scheme"].Value + Mask);
            text = Assignment().Replace(text, match => match.Groups["name"].Value + match.Groups["separator"].Value + match.Groups["quote"].Value + Mask + match.Groups["quote"].Value);
            text = RandomLooking().Replace(text, match => LooksRandom(match.Value) ? Mask : match.Value);
            return text;
        }
        catch (RegexMatchTimeoutException)
        {
            // Pathological input: masking everything is the safe answer.
            return Mask;
        }
    }

    // Mixed case and digits, as keys and tokens are; hex digests and words are left alone.
    private static bool LooksRandom(string value) =>
        value.Any(char.IsAsciiLetterUpper) && value.Any(char.IsAsciiLetterLower) && value.Any(char.IsAsciiDigit);

    [GeneratedRegex(@"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\z)", RegexOptions.CultureInvariant, 250)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(
        @"(?<prefix>\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)|\bgh[pousr]_|\bgithub_pat_|\bxox[abposre]-|\bxapp-|\bglpat-|\bnpm_|\bAIza|\b[sr]k_(?:live|test)_|\bsp(?:bt|ak|adm)_|\bSG\.|\bhf_)[A-Za-z0-9_\-./+=]{8,}" +
        @"|(?<prefix>https://hooks\.slack\.com/)\S+" +
        @"|(?<prefix>\beyJ)[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
        RegexOptions.CultureInvariant, 250)]
    private static partial Regex PrefixedToken();

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@", RegexOptions.CultureInvariant, 250)]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic|token)\s+)[A-Za-z0-9._~+/=\-]{8,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex BearerToken();

    [GeneratedRegex(
        @"(?<name>[A-Za-z0-9_.\-]*(?:passw(?:or)?d|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|client[_\-]?secret|credential|auth)[A-Za-z0-9_.\-]*\\?[""']?)(?<separator>\s*(?::=|=>|[:=])\s*)(?<quote>\\?[""'`]|)(?<value>[^\s""'`,;)}\]\\]{3,})\k<quote>",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/_\-=])[A-Za-z0-9+/_\-=]{32,}(?![A-Za-z0-9+/_\-=])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex RandomLooking();
}
