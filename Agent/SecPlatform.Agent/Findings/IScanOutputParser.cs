namespace SecPlatform.Agent.Findings;

/// <summary>
/// Turns a scanner's (size-capped) standard output into normalized findings. Never throws on bad input: a
/// malformed or cut document is a <see cref="ParseStatus.Failed"/> or <see cref="ParseStatus.Partial"/> result.
/// Scanner output is data, never instructions.
/// </summary>
public interface IScanOutputParser
{
    /// <param name="truncated">True when the output was cut at the size cap: the document cannot be complete.</param>
    ParsedOutput Parse(ReadOnlyMemory<byte> output, bool truncated, ParseContext context);
}
