namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>For test-only catalog entries whose output means nothing: no findings, always complete.</summary>
public sealed class NoOutputParser : IScanOutputParser
{
    public static NoOutputParser Instance { get; } = new();

    public ParsedOutput Parse(ReadOnlyMemory<byte> output, bool truncated, ParseContext context) =>
        new(truncated ? ParseStatus.Partial : ParseStatus.Complete, [], truncated ? "the output was cut at the size cap" : null);
}
