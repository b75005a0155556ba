using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Sarif;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Findings.Sarif;

[UnsupportedOSPlatform("windows")]
public sealed class SarifParserTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;

    public SarifParserTests()
    {
        _root = AgentPlatforms.Current.RealPath(_temp.Path)!;
    }

    private ParseContext Context(string scanner = "flawfinder") => new(scanner, "host-a", _root);

    [Fact]
    public async Task Parse_RealFlawfinderOutput_ReadsEveryResult()
    {
        var (output, file) = await RealOutputs.FlawfinderAsync(_root);

        var parsed = SarifParser.Flawfinder.Parse(output, truncated: false, Context());

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Null(parsed.Problem);
        Assert.Equal(2, parsed.Findings.Count);
        Assert.All(parsed.Findings, f => Assert.Equal(file, f.Location.File));
        Assert.All(parsed.Findings, f => Assert.Equal("host-a:" + file, f.Asset.Value));
        var strcpy = parsed.Findings.Single(f => f.RuleId == "FF1001");
        var contextHash = JsonNode.Parse(output)!["runs"]![0]!["results"]!.AsArray()
            .Single(r => r!["ruleId"]!.GetValue<string>() == "FF1001")!["fingerprints"]!["contextHash/v1"]!.GetValue<string>();
        Assert.Equal(FindingFingerprint.Compute("flawfinder", "FF1001", strcpy.Asset, FindingFingerprint.FileLocationKey(3, strcpy.Location.Column, contextHash), 0), strcpy.Fingerprint);
    }

    [Fact]
    public async Task Parse_RealSecretlintOutput_RelativeUrisAndNoSecrets()
    {
        var output = await SecretlintAsync();

        var parsed = SarifParser.Secretlint.Parse(output, truncated: false, Context("secretlint"));

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Equal(2, parsed.Findings.Count);
        Assert.Equal([Path.Combine(_root, "app.js"), Path.Combine(_root, "credentials")], parsed.Findings.Select(f => f.Location.File!).Order(StringComparer.Ordinal));
        Assert.All(parsed.Findings, f => Assert.Equal(Severity.High, f.Severity));
        var everything = JsonSerializer.Serialize(parsed);
        Assert.DoesNotContain(ScanTargets.AwsSecret, everything);
        Assert.DoesNotContain(ScanTargets.GitHubToken, everything);
    }

    [Fact]
    public async Task Parse_EveryPrefixOfRealOutput_NeverThrowsAndNeverInventsFindings()
    {
        var (output, _) = await RealOutputs.FlawfinderAsync(_root);

        for (var length = 0; length < output.Length; length += 7)
        {
            var parsed = SarifParser.Flawfinder.Parse(output.AsMemory(0, length), truncated: true, Context());

            Assert.True(parsed.Status is ParseStatus.Failed or ParseStatus.Partial, $"cut at {length}: {parsed.Status}");
            Assert.InRange(parsed.Findings.Count, 0, 2);
            Assert.NotNull(parsed.Problem);
        }
    }

    [Fact]
    public async Task Parse_CutAfterTheFirstResult_IsPartialWithThatResult()
    {
        var (output, _) = await RealOutputs.FlawfinderAsync(_root);
        var text = Encoding.UTF8.GetString(output);
        var cut = text.IndexOf("\"ruleId\"", text.IndexOf("\"results\"", StringComparison.Ordinal) + 30, StringComparison.Ordinal);
        cut = text.IndexOf("\"ruleId\"", cut + 1, StringComparison.Ordinal);

        var parsed = SarifParser.Flawfinder.Parse(Encoding.UTF8.GetBytes(text[..cut]), truncated: true, Context());

        Assert.Equal(ParseStatus.Partial, parsed.Status);
        Assert.Equal("FF1013", Assert.Single(parsed.Findings).RuleId);
        Assert.Contains("size cap", parsed.Problem);
    }

    [Fact]
    public async Task Parse_RulesAfterResults_StillResolvesRules()
    {
        var (output, _) = await RealOutputs.FlawfinderAsync(_root);
        var document = JsonNode.Parse(output)!;
        var run = document["runs"]![0]!.AsObject();
        var tool = run["tool"]!;
        run.Remove("tool");
        run.Add("tool", tool.DeepClone());

        var parsed = SarifParser.Flawfinder.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), truncated: false, Context());

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Contains("CWE-120", parsed.Findings.Single(f => f.RuleId == "FF1001").Cwes);
    }

    [Fact]
    public async Task Parse_OneMalformedResult_IsSkippedAndTheRestKept()
    {
        var (output, _) = await RealOutputs.FlawfinderAsync(_root);
        var document = JsonNode.Parse(output)!;
        document["runs"]![0]!["results"]![0]!["locations"]![0]!["physicalLocation"]!["region"]!["startLine"] = "three";

        var parsed = SarifParser.Flawfinder.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), truncated: false, Context());

        Assert.Equal(ParseStatus.Partial, parsed.Status);
        Assert.Single(parsed.Findings);
        Assert.Contains("1 malformed", parsed.Problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<html>not json</html>")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"version\":\"2.1.0\"}")]
    [InlineData("{\"runs\":")]
    [InlineData("\u0000\u0001\u0002garbage")]
    public void Parse_NotSarif_FailsClearly(string output)
    {
        var parsed = SarifParser.Generic.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context());

        Assert.True(parsed.Status is ParseStatus.Failed or ParseStatus.Partial);
        Assert.Empty(parsed.Findings);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Problem));
    }

    [Fact]
    public void Parse_DeeplyNested_FailsWithoutOverflowingTheStack()
    {
        var output = "{\"runs\":[{\"results\":[" + new string('[', 100_000) + new string(']', 100_000) + "]}]}";

        var parsed = SarifParser.Generic.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context());

        Assert.NotEqual(ParseStatus.Complete, parsed.Status);
    }

    [Fact]
    public void Parse_HugeValues_AreBoundedInTheFinding()
    {
        var huge = new string('A', 1_000_000);
        var output = "{\"runs\":[{\"results\":[{\"ruleId\":\"" + huge + "\",\"message\":{\"text\":\"" + huge + "\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"/src/a.c\"},\"region\":{\"startLine\":1,\"snippet\":{\"text\":\"" + huge + "\"}}}}]}]}]}";

        var finding = Assert.Single(SarifParser.Generic.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context()).Findings);

        Assert.True(finding.RuleId.Length <= FindingLimits.MaxRuleIdChars);
        Assert.True(finding.Message.Length <= FindingLimits.MaxMessageChars);
        Assert.True(finding.Title.Length <= FindingLimits.MaxTitleChars);
        Assert.True(finding.Evidence!.Length <= FindingLimits.MaxEvidenceChars);
    }

    [Fact]
    public void Parse_GenericSarif_MapsLevelsSecuritySeverityUrisAndTags()
    {
        var output = """
            {"version":"2.1.0","runs":[{
              "originalUriBaseIds":{"SRC":{"uri":"file:///srv/app/"}},
              "tool":{"driver":{"name":"t","rules":[
                {"id":"R1","shortDescription":{"text":"Rule one"},"properties":{"security-severity":"9.8","tags":["external/cwe/cwe-79"]}},
                {"id":"R2","defaultConfiguration":{"level":"note"}}]}},
              "results":[
                {"ruleId":"R1","ruleIndex":0,"message":{"text":"See {0}","arguments":["CVE-2021-44228"]},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/a.c","uriBaseId":"SRC"},"region":{"startLine":4,"startColumn":2}}}]},
                {"ruleId":"R2","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file:///srv/app/b%20c.c"}}}]},
                {"ruleId":"R3","level":"none","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"rel/d.c"}}}]},
                {"ruleId":"R4","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"/abs/e.c"}}}]}
              ]}]}
            """;

        var findings = SarifParser.Generic.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context()).Findings;

        Assert.Equal([Severity.Critical, Severity.Low, Severity.Info, Severity.Medium], findings.Select(f => f.Severity));
        Assert.Equal(["/srv/app/src/a.c", "/srv/app/b c.c", Path.Combine(_root, "rel/d.c"), "/abs/e.c"], findings.Select(f => f.Location.File));
        Assert.Equal("Rule one", findings[0].Title);
        Assert.Equal("See CVE-2021-44228", findings[0].Message);
        Assert.Equal(["CVE-2021-44228"], findings[0].Cves);
        Assert.Equal(["CWE-79"], findings[0].Cwes);
    }

    [Theory]
    [InlineData(1.0, Severity.High)]
    [InlineData(0.8, Severity.High)]
    [InlineData(0.6, Severity.Medium)]
    [InlineData(0.4, Severity.Low)]
    [InlineData(0.2, Severity.Low)]
    [InlineData(0.0, Severity.Info)]
    public void FromFlawfinderRank_MapsRiskLevels(double rank, Severity expected)
    {
        Assert.Equal(expected, SarifSeverity.FromFlawfinderRank(rank));
    }

    private async Task<byte[]> SecretlintAsync()
    {
        var output = await RealOutputs.SecretlintAsync(_root);
        Assert.NotEmpty(output);
        return output;
    }

    public void Dispose() => _temp.Dispose();
}
