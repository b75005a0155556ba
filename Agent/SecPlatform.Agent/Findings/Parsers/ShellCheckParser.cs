using System.Globalization;
using System.Text.Json;

namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>
/// shellcheck <c>-f json1</c>: <c>{"comments":[{file, line, endLine, column, endColumn, level, code, message}]}</c>,
/// streamed one comment at a time. The rule id is <c>SC</c> + the numeric code (2086 means SC2086). There is no
/// snippet, so no evidence.
/// Severity: shellcheck's levels say how likely a bug is, not how exploitable: error medium, warning low,
/// info and style info.
/// </summary>
public sealed class ShellCheckParser : IScanOutputParser
{
    public static ShellCheckParser Instance { get; } = new();

    public static Severity MapLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "error" => Severity.Medium,
        "warning" => Severity.Low,
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
        var sawComments = false;
        string? documentProblem = null;
        try
        {
            JsonWalk.Object(ref reader, (string name, ref Utf8JsonReader r) =>
            {
                if (name != "comments")
                {
                    return false;
                }

                sawComments = JsonWalk.Array(ref r, (ref Utf8JsonReader element) =>
                {
                    var comment = JsonWalk.Deserialize<Comment>(JsonWalk.Element(ref element));
                    if (comment is not { File: { Length: > 0 } file, Code: { } code }
                        || !collector.AddFileFinding(
                            "SC" + code.ToString(CultureInfo.InvariantCulture),
                            comment.Message,
                            MapLevel(comment.Level),
                            file,
                            comment.Line,
                            comment.Column,
                            comment.EndLine,
                            comment.EndColumn,
                            comment.Message,
                            evidence: null))
                    {
                        skipped += collector.Full ? 0 : 1;
                    }
                });
                return true;
            });
        }
        catch (JsonException e)
        {
            documentProblem = $"the shellcheck JSON is malformed or incomplete at {JsonWalk.Where(e)}";
        }

        if (documentProblem is null && !sawComments)
        {
            return ParsedOutput.Failed("the output is JSON but not shellcheck json1 (no 'comments' array)");
        }

        return ParseOutcome.From(collector, truncated, documentProblem, skipped);
    }

    private sealed record Comment(string? File, int? Line, int? EndLine, int? Column, int? EndColumn, string? Level, int? Code, string? Message);
}
