namespace SecPlatform.Agent.Findings;

/// <summary>How much of a scanner's output was understood.</summary>
public enum ParseStatus
{
    /// <summary>Nothing was parsed: the scanner did not run, was stopped, or printed nothing after failing.</summary>
    NotParsed,

    /// <summary>The whole document was read and every result in it understood.</summary>
    Complete,

    /// <summary>Some findings were read, but the document was cut, malformed past some point, skipped
    /// malformed results, or the tool said it could not analyse some files. Resolves nothing later.</summary>
    Partial,

    /// <summary>The output could not be read at all (not the expected format).</summary>
    Failed,
}
