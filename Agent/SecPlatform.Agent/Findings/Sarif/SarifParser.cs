using System.Text.Json;
using System.Text.RegularExpressions;
using SecPlatform.Agent.Findings.Parsers;

namespace SecPlatform.Agent.Findings.Sarif;

/// <summary>
/// The one SARIF 2.1.0 parser, for every SARIF-emitting scanner (flawfinder, secretlint, test entries). It streams
/// <c>runs[].results[]</c> one result at a time, so output cut at the size cap still yields every result before the
/// cut (a partial parse). Per result: rule (by index or id, from <c>tool.driver.rules</c>, which may come before or
/// after the results), severity and title by the producer's <see cref="SarifProfile"/>, the first physical location
/// (a relative URI is resolved against <c>originalUriBaseIds</c> or the working directory; only <c>file:</c> URIs are
/// percent-decoded, because flawfinder and secretlint print raw paths), the region, the snippet as evidence, CWE ids
/// from the rule's relationships and taxa, and <c>fingerprints["contextHash/v1"]</c> for the fingerprint.
/// </summary>
public sealed partial class SarifParser : IScanOutputParser
{
    private readonly SarifProfile _profile;

    internal SarifParser(SarifProfile profile)
    {
        _profile = profile;
    }

    public static SarifParser Generic { get; } = new(SarifProfile.Generic);

    public static SarifParser Flawfinder { get; } = new(SarifProfile.Flawfinder);

    public static SarifParser Secretlint { get; } = new(SarifProfile.Secretlint);

    public ParsedOutput Parse(ReadOnlyMemory<byte> output, bool truncated, ParseContext context)
    {
        if (!JsonWalk.TryStart(output, out var reader, out var problem))
        {
            return ParsedOutput.Failed(truncated ? $"the output was cut at the size cap and {problem}" : problem!);
        }

        var collector = new FindingCollector(context);
        var state = new ParseState();
        string? documentProblem = null;
        try
        {
            JsonWalk.Object(ref reader, (string name, ref Utf8JsonReader r) =>
            {
                if (name != "runs")
                {
                    return false;
                }

                if (!JsonWalk.Array(ref r, (ref Utf8JsonReader run) => ReadRun(ref run, state, collector)))
                {
                    state.Problems.Add("'runs' is not an array");
                }

                state.SawRuns = true;
                return true;
            });
        }
        catch (JsonException e)
        {
            documentProblem = $"the SARIF document is malformed or incomplete at {JsonWalk.Where(e)}";
        }

        // A run cut short still reports the results read so far.
        state.Current?.Flush(collector, _profile, state);

        if (documentProblem is null && !state.SawRuns)
        {
            return ParsedOutput.Failed("the output is JSON but not SARIF (no 'runs')");
        }

        var toolProblem = state.Problems.Count == 0 ? null : string.Join("; ", state.Problems.Distinct());
        return ParseOutcome.From(collector, truncated, documentProblem, state.Skipped, toolProblem);
    }

    private void ReadRun(ref Utf8JsonReader reader, ParseState state, FindingCollector collector)
    {
        var run = new RunState();
        state.Current = run;
        JsonWalk.Object(ref reader, (string name, ref Utf8JsonReader r) =>
        {
            switch (name)
            {
                case "tool":
                    run.Tool = JsonWalk.Deserialize<SarifTool>(JsonWalk.Element(ref r));
                    return true;
                case "originalUriBaseIds":
                    run.BaseIds = JsonWalk.Deserialize<Dictionary<string, SarifArtifactLocation>>(JsonWalk.Element(ref r));
                    return true;
                case "results":
                    JsonWalk.Array(ref r, (ref Utf8JsonReader result) =>
                    {
                        if (JsonWalk.Deserialize<SarifResult>(JsonWalk.Element(ref result)) is { } parsed)
                        {
                            run.Results.Add(parsed);
                        }
                        else
                        {
                            state.Skipped++;
                        }
                    });
                    return true;
                default:
                    return false;
            }
        });

        run.Flush(collector, _profile, state);
        state.Current = null;
    }

    private static void AddFinding(SarifResult result, RunState run, SarifProfile profile, FindingCollector collector, ParseState state)
    {
        var rule = run.FindRule(result);
        var ruleId = result.RuleId ?? result.Rule?.Id ?? rule?.Id;
        var physical = result.Locations?.Select(l => l.PhysicalLocation).FirstOrDefault(p => p?.ArtifactLocation?.Uri is { Length: > 0 });
        var file = physical is null ? null : run.ResolvePath(physical.ArtifactLocation!, collector.Context.WorkingDirectory);
        if (ruleId is null || file is null)
        {
            state.Skipped++;
            return;
        }

        var message = MessageText(result.Message) ?? rule?.ShortDescription?.Text ?? ruleId;
        var ids = new List<string>(profile.ExtraIds);
        ids.AddRange(rule?.Relationships?.Select(r => r.Target?.Id).OfType<string>() ?? []);
        ids.AddRange(result.Taxa?.Select(t => t.Id).OfType<string>() ?? []);
        ids.AddRange(rule?.Properties?.Tags ?? []);
        ids.AddRange(result.Properties?.Tags ?? []);
        var region = physical!.Region;
        string? contextHash = null;
        result.Fingerprints?.TryGetValue("contextHash/v1", out contextHash);

        if (!collector.AddFileFinding(
            ruleId,
            profile.Title(rule, message),
            profile.Severity(result, rule),
            file,
            region?.StartLine,
            region?.StartColumn,
            region?.EndLine,
            region?.EndColumn,
            message,
            region?.Snippet?.Text,
            ids.Select(NormalizeTag),
            contextHash) && !collector.Full)
        {
            state.Skipped++;
        }
    }

    // CodeQL-style tags: external/cwe/cwe-79 means CWE-79.
    private static string NormalizeTag(string tag) =>
        CweTag().Match(tag) is { Success: true } match ? "CWE-" + match.Groups[1].Value : tag;

    private static string? MessageText(SarifText? message)
    {
        if (message?.Text is not { } text)
        {
            return null;
        }

        if (message.Arguments is not { Count: > 0 } arguments)
        {
            return text;
        }

        return Placeholder().Replace(text, match =>
            int.TryParse(match.Groups[1].Value, out var index) && index < arguments.Count ? arguments[index] : match.Value);
    }

    [GeneratedRegex(@"external/cwe/cwe-(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CweTag();

    [GeneratedRegex(@"\{(\d{1,2})\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private sealed class ParseState
    {
        public bool SawRuns { get; set; }

        public int Skipped { get; set; }

        public RunState? Current { get; set; }

        public List<string> Problems { get; } = [];
    }

    private sealed class RunState
    {
        public SarifTool? Tool { get; set; }

        public Dictionary<string, SarifArtifactLocation>? BaseIds { get; set; }

        public List<SarifResult> Results { get; } = [];

        private bool _flushed;

        // Results are held until the run ends (or the document is cut) because the rules may come after them.
        public void Flush(FindingCollector collector, SarifProfile profile, ParseState state)
        {
            if (_flushed)
            {
                return;
            }

            _flushed = true;
            foreach (var result in Results)
            {
                AddFinding(result, this, profile, collector, state);
            }
        }

        public SarifRule? FindRule(SarifResult result)
        {
            var rules = Tool?.Driver?.Rules;
            if (rules is null || rules.Count == 0)
            {
                return null;
            }

            var index = result.RuleIndex ?? result.Rule?.Index;
            if (index is { } i && i >= 0 && i < rules.Count)
            {
                return rules[i];
            }

            var id = result.RuleId ?? result.Rule?.Id;
            return id is null ? null : rules.FirstOrDefault(rule => rule.Id == id);
        }

        public string? ResolvePath(SarifArtifactLocation location, string workingDirectory)
        {
            var uri = location.Uri!;
            if (uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                return Uri.TryCreate(uri, UriKind.Absolute, out var fileUri) && fileUri.IsFile ? fileUri.LocalPath : null;
            }

            if (Path.IsPathFullyQualified(uri))
            {
                return uri;
            }

            var baseDirectory = workingDirectory;
            if (location.UriBaseId is { } baseId && BaseIds?.GetValueOrDefault(baseId)?.Uri is { } baseUri
                && Uri.TryCreate(baseUri, UriKind.Absolute, out var parsedBase) && parsedBase.IsFile)
            {
                baseDirectory = parsedBase.LocalPath;
            }

            return Path.Combine(baseDirectory, uri);
        }
    }
}
