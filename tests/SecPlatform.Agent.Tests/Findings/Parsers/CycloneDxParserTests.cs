using System.Text;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;

namespace SecPlatform.Agent.Tests.Findings.Parsers;

public sealed class CycloneDxParserTests
{
    private static readonly ParseContext Context = new("cdxgen", "web-1", "/srv/app");

    [Fact]
    public void Parse_ComponentsNestedAndGrouped_OnePerKeyOnTheScannedDirectory()
    {
        const string bom = """
            { "bomFormat": "CycloneDX", "specVersion": "1.7",
              "metadata": { "component": { "name": "demo-app", "version": "1.0.0", "purl": "pkg:npm/demo-app@1.0.0" } },
              "components": [
                { "type": "library", "name": "ms", "version": "2.1.3", "purl": "pkg:npm/ms@2.1.3" },
                { "type": "library", "group": "@babel", "name": "core", "version": "7.0.0", "purl": "pkg:npm/%40babel/core@7.0.0",
                  "components": [ { "type": "library", "name": "inner", "version": "1" } ] },
                { "type": "library", "name": "ms", "version": "2.1.3", "purl": "pkg:npm/ms@2.1.3" },
                { "type": "library", "version": "9" },
                42
              ] }
            """;

        var parsed = CycloneDxParser.Instance.Parse(Encoding.UTF8.GetBytes(bom), false, Context);

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Empty(parsed.Findings);
        Assert.Equal(
            [("ms", "2.1.3", "pkg:npm/ms@2.1.3"), ("@babel/core", "7.0.0", "pkg:npm/%40babel/core@7.0.0"), ("inner", "1", "")],
            parsed.Components!.Select(c => (c.Name, c.Version, c.Purl)));
        Assert.All(parsed.Components!, c => Assert.Equal(new FindingAsset(AssetKind.Path, "web-1:/srv/app"), c.Asset));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ \"bomFormat\": \"SPDX\", \"components\": [] }")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"bomFormat\": \"CycloneDX\", \"components\": [ { \"name\": \"a\"")]
    public void Parse_NotACompleteCycloneDxDocument_Failed(string output)
    {
        var parsed = CycloneDxParser.Instance.Parse(Encoding.UTF8.GetBytes(output), false, Context);

        Assert.Equal(ParseStatus.Failed, parsed.Status);
        Assert.NotNull(parsed.Problem);
    }

    [Fact]
    public void Parse_NoComponents_CompleteAndEmpty()
    {
        var parsed = CycloneDxParser.Instance.Parse("""{ "bomFormat": "CycloneDX", "specVersion": "1.7" }"""u8.ToArray(), false, Context);

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Empty(parsed.Components!);
    }
}
