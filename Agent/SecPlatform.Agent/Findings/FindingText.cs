using System.Text;

namespace SecPlatform.Agent.Findings;

/// <summary>Bounds and cleans text taken from scanner output before it goes into a finding.</summary>
public static class FindingText
{
    /// <summary>Control characters become spaces (tabs and newlines too unless <paramref name="keepLines"/>),
    /// secrets are masked, and the result is cut to <paramref name="maxChars"/>.</summary>
    public static string Clean(string? text, int maxChars, bool keepLines = false, bool mask = true)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        // Cut generously first so masking never runs over huge input, then cut again after masking.
        var bounded = text.Length > maxChars * 4 ? text[..(maxChars * 4)] : text;
        var builder = new StringBuilder(bounded.Length);
        foreach (var c in bounded)
        {
            builder.Append(char.IsControl(c) && !(keepLines && c is '\n' or '\t') ? ' ' : c);
        }

        var cleaned = builder.ToString();
        if (mask)
        {
            cleaned = SecretMasker.MaskSecrets(cleaned);
        }

        return Truncate(cleaned.Trim(), maxChars);
    }

    public static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        // Do not split a surrogate pair.
        var cut = maxChars - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + "…";
    }
}
