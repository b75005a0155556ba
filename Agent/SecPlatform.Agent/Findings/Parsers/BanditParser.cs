using System.Text.Json;

namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>
/// bandit <c>-f json</c>: <c>results[]</c> (test_id, test_name, issue_severity, issue_confidence, issue_text,
/// filename, line_number, code; newer versions add col_offset and issue_cwe) and <c>errors[]</c> (filename, reason),
/// both streamed. <c>generated_at</c> changes every run and is ignored. <c>code</c> (the flagged lines) becomes the
/// evidence, masked and bounded.
/// A missing target makes bandit exit 0 with an error for it: an error naming the scanned path itself fails the run;
/// errors for some files make the parse partial (those files were not analysed).
/// Severity: bandit's own issue_severity, HIGH high, MEDIUM medium, LOW low, anything else info; the confidence
/// goes into the message, it does not move the severity.
/// </summary>
public sealed class BanditParser(string? scannedPath) : IScanOutputParser
{
    public static Severity MapSeverity(string? severity) => severity?.ToUpperInvariant() switch
    {
        "HIGH" => Severity.High,
        "MEDIUM" => Severity.Medium,
        "LOW" => Severity.Low,
        _ => Severity.Info,
    };

    public ParsedOutput Parse(ReadOnlyMemory<byte> output, bool truncated, ParseContext context)
    {
        if (!JsonWalk.TryStart(output, out var reader, out var problem))
        {
            return ParsedOutput.Failed(problem!);
        }

        var collector = new FindingCollector(context);
        var skipped = 0;
        var sawResults = false;
        var errors = new List<Error>();
        string? documentProblem = null;
        try
        {
            JsonWalk.Object(ref reader, (string name, ref Utf8JsonReader r) =>
            {
                switch (name)
                {
                    case "results":
                        sawResults = JsonWalk.Array(ref r, (ref Utf8JsonReader element) =>
                        {
                            if (!Add(JsonWalk.Deserialize<Result>(JsonWalk.Element(ref element)), collector) && !collector.Full)
                            {
                                skipped++;
                            }
                        });
                        return true;
                    case "errors":
                        JsonWalk.Array(ref r, (ref Utf8JsonReader element) =>
                        {
                            if (JsonWalk.Deserialize<Error>(JsonWalk.Element(ref element)) is { } error)
                            {
                                errors.Add(error);
                            }
                        });
                        return true;
                    default:
                        return false;
                }
            });
        }
        catch (JsonException e)
        {
            documentProblem = $"the bandit JSON is malformed or incomplete at {JsonWalk.Where(e)}";
        }

        if (documentProblem is null && !sawResults)
        {
            return ParsedOutput.Failed("the output is JSON but not bandit's report (no 'results' array)");
        }

        string? toolError = null;
        string? toolProblem = null;
        if (errors.Count > 0)
        {
            var targetError = errors.FirstOrDefault(e => scannedPath is not null && SamePath(e.Filename, scannedPath));
            if (targetError is not null)
            {
                toolError = $"bandit could not read the target: {FindingText.Clean(targetError.Reason, 200)}";
            }
            else
            {
                var first = errors[0];
                toolProblem = $"bandit could not analyse {errors.Count} file(s), e.g. {FindingText.Clean(first.Filename, 300, mask: false)}: {FindingText.Clean(first.Reason, 200)}";
            }
        }

        return ParseOutcome.From(collector, truncated, documentProblem, skipped, toolProblem, toolError);
    }

    private static bool Add(Result? result, FindingCollector collector)
    {
        if (result is not { TestId: { Length: > 0 } testId, Filename: { Length: > 0 } file })
        {
            return false;
        }

        var message = $"{result.IssueText} (confidence: {result.IssueConfidence?.ToLowerInvariant() ?? "unknown"})";
        var column = result.ColOffset is { } offset && offset >= 0 ? offset + 1 : (int?)null;
        var ids = result.IssueCwe?.Id is { } cwe ? new[] { "CWE-" + cwe } : [];
        return collector.AddFileFinding(testId, result.IssueText ?? result.TestName, MapSeverity(result.IssueSeverity), file,
            result.LineNumber, column, null, null, message, result.Code, ids);
    }

    private static bool SamePath(string? reported, string scanned)
    {
        if (string.IsNullOrEmpty(reported))
        {
            return false;
        }

        try
        {
            return string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(reported)), Path.TrimEndingDirectorySeparator(scanned), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    private sealed record Result(
        [property: System.Text.Json.Serialization.JsonPropertyName("test_id")] string? TestId,
        [property: System.Text.Json.Serialization.JsonPropertyName("test_name")] string? TestName,
        [property: System.Text.Json.Serialization.JsonPropertyName("issue_severity")] string? IssueSeverity,
        [property: System.Text.Json.Serialization.JsonPropertyName("issue_confidence")] string? IssueConfidence,
        [property: System.Text.Json.Serialization.JsonPropertyName("issue_text")] string? IssueText,
        [property: System.Text.Json.Serialization.JsonPropertyName("issue_cwe")] Cwe? IssueCwe,
        string? Filename,
        [property: System.Text.Json.Serialization.JsonPropertyName("line_number")] int? LineNumber,
        [property: System.Text.Json.Serialization.JsonPropertyName("col_offset")] int? ColOffset,
        string? Code);

    private sealed record Cwe(int? Id);

    private sealed record Error(string? Filename, string? Reason);
}
