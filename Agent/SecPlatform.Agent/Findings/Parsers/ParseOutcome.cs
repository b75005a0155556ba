namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>Turns what a parser saw into a <see cref="ParsedOutput"/> with one consistent rule for the status.</summary>
internal static class ParseOutcome
{
    /// <param name="documentProblem">Why the document could not be read to its end (cut, malformed past some point), or null.</param>
    /// <param name="skipped">Results that were present but malformed and left out.</param>
    /// <param name="toolProblem">The tool said it could not analyse part of the target.</param>
    public static ParsedOutput From(FindingCollector collector, bool truncated, string? documentProblem, int skipped, string? toolProblem = null, string? toolError = null)
    {
        var problems = new List<string>();
        if (documentProblem is not null)
        {
            problems.Add(truncated ? $"the output was cut at the size cap ({documentProblem})" : documentProblem);
        }
        else if (truncated)
        {
            problems.Add("the output was cut at the size cap");
        }

        if (skipped > 0)
        {
            problems.Add($"{skipped} malformed result(s) were skipped");
        }

        if (collector.Full)
        {
            problems.Add($"only the first {FindingLimits.MaxFindingsPerRun} findings were kept");
        }

        if (toolProblem is not null)
        {
            problems.Add(toolProblem);
        }

        var status = problems.Count == 0 ? ParseStatus.Complete : ParseStatus.Partial;
        return new ParsedOutput(status, collector.Findings, problems.Count == 0 ? null : string.Join("; ", problems), toolError);
    }
}
