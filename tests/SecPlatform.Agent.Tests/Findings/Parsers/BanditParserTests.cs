using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Findings.Parsers;

[UnsupportedOSPlatform("windows")]
public sealed class BanditParserTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;

    public BanditParserTests()
    {
        _root = AgentPlatforms.Current.RealPath(_temp.Path)!;
    }

    private ParseContext Context => new("bandit", "host-a", _root);

    [Fact]
    public async Task Parse_RealOutput_ReadsEveryResult()
    {
        var (output, file) = await RealOutputs.BanditAsync(_root, ScanTargets.PythonSource);

        var parsed = new BanditParser(file).Parse(output, truncated: false, Context);

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        var finding = Assert.Single(parsed.Findings);
        Assert.Equal("B307", finding.RuleId);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal(3, finding.Location.Line);
        Assert.Null(finding.Location.Column);
    }

    [Fact]
    public async Task Parse_HardcodedPasswords_AreMaskedEverywhere()
    {
        const string source = "def login(password):\n    return password\n\nlogin(password=\"hunter2secret\")\ndef f(password=\"hunter2secret\"):\n    pass\n";
        var (output, file) = await RealOutputs.BanditAsync(_root, source);

        var parsed = new BanditParser(file).Parse(output, truncated: false, Context);

        Assert.Equal(["B106", "B107"], parsed.Findings.Select(f => f.RuleId));
        Assert.Contains("hunter2secret", Encoding.UTF8.GetString(output));
        Assert.DoesNotContain("hunter2secret", JsonSerializer.Serialize(parsed));
        Assert.All(parsed.Findings, f => Assert.Contains("****", f.Evidence));
    }

    [Fact]
    public async Task Parse_MissingTarget_IsAToolError()
    {
        var missing = Path.Combine(_root, "missing.py");
        var output = (await RealTool.RunAsync("bandit", ["-r", "-f", "json", "-q", "--ini", "/dev/null", "--", missing], _root));
        Assert.Equal(0, output.ExitCode);

        var parsed = new BanditParser(missing).Parse(output.Stdout, truncated: false, Context);

        Assert.Empty(parsed.Findings);
        Assert.Contains("could not read the target", parsed.ToolError);
    }

    [Fact]
    public void Parse_ErrorsForSomeFiles_IsPartial()
    {
        var output = """{"errors":[{"filename":"/src/py2.py","reason":"syntax error while parsing AST from file"}],"generated_at":"x","metrics":{},"results":[]}""";

        var parsed = new BanditParser("/src").Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context);

        Assert.Equal(ParseStatus.Partial, parsed.Status);
        Assert.Null(parsed.ToolError);
        Assert.Contains("could not analyse 1 file", parsed.Problem);
    }

    [Fact]
    public async Task Parse_EveryPrefixOfRealOutput_NeverThrows()
    {
        var (output, file) = await RealOutputs.BanditAsync(_root, ScanTargets.PythonSource);

        for (var length = 0; length < output.Length; length += 11)
        {
            var parsed = new BanditParser(file).Parse(output.AsMemory(0, length), truncated: true, Context);

            Assert.True(parsed.Status is ParseStatus.Failed or ParseStatus.Partial);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("[main]\tINFO\tprofile include tests: None")]
    [InlineData("{\"errors\":[]}")]
    [InlineData("{\"results\":{}}")]
    public void Parse_Malformed_Fails(string output)
    {
        var parsed = new BanditParser("/src").Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context);

        Assert.Equal(ParseStatus.Failed, parsed.Status);
        Assert.NotNull(parsed.Problem);
    }

    public void Dispose() => _temp.Dispose();
}
