namespace SecPlatform.Agent.Findings.Sarif;

/// <summary>What differs between SARIF producers: the severity mapping, the title, ids every finding carries.</summary>
internal sealed record SarifProfile(
    Func<SarifResult, SarifRule?, Severity> Severity,
    Func<SarifRule?, string, string?> Title,
    IReadOnlyList<string> ExtraIds)
{
    public static SarifProfile Generic { get; } = new(SarifSeverity.Generic, DescriptionTitle, []);

    /// <summary>flawfinder: rank-based severity; the rule's short description is a good title.</summary>
    public static SarifProfile Flawfinder { get; } = new(SarifSeverity.Flawfinder, DescriptionTitle, []);

    /// <summary>secretlint: its rule descriptions are boilerplate ("secretlint rule(...) error"); the message up to the
    /// masked value ("found AWS Secret Access Key") is the title. Every hit is a hard-coded credential (CWE-798).</summary>
    public static SarifProfile Secretlint { get; } = new(SarifSeverity.Secretlint, MessageHeadTitle, ["CWE-798"]);

    private static string? DescriptionTitle(SarifRule? rule, string message) =>
        rule?.ShortDescription?.Text ?? rule?.Name ?? FirstSentence(message);

    private static string? MessageHeadTitle(SarifRule? rule, string message)
    {
        var end = message.IndexOfAny([':', '(']);
        var head = (end < 0 ? message : message[..end]).Trim();
        if (head.Length == 0)
        {
            return rule?.Id is { } id ? id[(id.LastIndexOf('>') + 1)..].Trim() : null;
        }

        return char.ToUpperInvariant(head[0]) + head[1..];
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
