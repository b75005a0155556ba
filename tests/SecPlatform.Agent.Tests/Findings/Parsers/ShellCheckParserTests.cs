using System.Runtime.Versioning;
using System.Text;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Findings.Parsers;

[UnsupportedOSPlatform("windows")]
public sealed class ShellCheckParserTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;

    public ShellCheckParserTests()
    {
        _root = AgentPlatforms.Current.RealPath(_temp.Path)!;
    }

    private ParseContext Context => new("shellcheck", "host-a", _root);

    [Fact]
    public async Task Parse_RealOutput_ReadsEveryComment()
    {
        var (output, file) = await RealOutputs.ShellCheckAsync(_root);

        var parsed = ShellCheckParser.Instance.Parse(output, truncated: false, Context);

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Equal(["SC2045", "SC2086", "SC2086", "SC2086", "SC2046", "SC2005", "SC2006"], parsed.Findings.Select(f => f.RuleId));
        Assert.Equal([Severity.Medium, Severity.Info, Severity.Info, Severity.Info, Severity.Low, Severity.Info, Severity.Info], parsed.Findings.Select(f => f.Severity));
        Assert.All(parsed.Findings, f => Assert.Equal(file, f.Location.File));
        Assert.All(parsed.Findings, f => Assert.Null(f.Evidence));
    }

    [Fact]
    public async Task Parse_SameHitsOnOneLine_DifferOnlyByColumnOrOrder_GetDistinctStableFingerprints()
    {
        var (output, _) = await RealOutputs.ShellCheckAsync(_root);

        var first = ShellCheckParser.Instance.Parse(output, truncated: false, Context).Findings;
        var second = ShellCheckParser.Instance.Parse(output, truncated: false, Context).Findings;

        Assert.Equal(first.Count, first.Select(f => f.Fingerprint).Distinct().Count());
        Assert.Equal(first.Select(f => f.Fingerprint), second.Select(f => f.Fingerprint));

        // Exact repeats (same rule, line and column) are told apart by their order.
        var repeated = Encoding.UTF8.GetBytes("""{"comments":[{"file":"/a.sh","line":1,"column":1,"level":"info","code":2086,"message":"m"},{"file":"/a.sh","line":1,"column":1,"level":"info","code":2086,"message":"m"}]}""");
        var twins = ShellCheckParser.Instance.Parse(repeated, truncated: false, Context).Findings;
        Assert.Equal(2, twins.Count);
        Assert.NotEqual(twins[0].Fingerprint, twins[1].Fingerprint);
    }

    [Fact]
    public async Task Parse_EveryPrefixOfRealOutput_NeverThrows()
    {
        var (output, _) = await RealOutputs.ShellCheckAsync(_root);

        for (var length = 0; length < output.Length; length += 5)
        {
            var parsed = ShellCheckParser.Instance.Parse(output.AsMemory(0, length), truncated: true, Context);

            Assert.True(parsed.Status is ParseStatus.Failed or ParseStatus.Partial);
            Assert.InRange(parsed.Findings.Count, 0, 7);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("openBinaryFile: does not exist")]
    [InlineData("{\"comments\":5}")]
    [InlineData("{\"other\":[]}")]
    [InlineData("{\"comments\":[{\"file\":\"/a.sh\",\"line\":1,\"column\":1,\"level\":\"info\",\"code\":2086,\"message\":\"m\"}")]
    public void Parse_Malformed_FailsOrIsPartial(string output)
    {
        var parsed = ShellCheckParser.Instance.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context);

        Assert.NotEqual(ParseStatus.Complete, parsed.Status);
        Assert.NotNull(parsed.Problem);
    }

    [Fact]
    public void Parse_MalformedComment_IsSkipped()
    {
        var output = """{"comments":[{"file":"/a.sh","line":"x","code":2086},{"file":"/a.sh","line":2,"column":3,"level":"error","code":1000,"message":"m"},{"line":1,"code":1}]}""";

        var parsed = ShellCheckParser.Instance.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context);

        Assert.Equal(ParseStatus.Partial, parsed.Status);
        Assert.Equal("SC1000", Assert.Single(parsed.Findings).RuleId);
        Assert.Contains("2 malformed", parsed.Problem);
    }

    public void Dispose() => _temp.Dispose();
}
