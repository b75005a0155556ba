using SecPlatform.Cli.Parsing;

namespace SecPlatform.Cli.Tests.Parsing;

public sealed class LabelParserTests
{
    [Fact]
    public void TryParse_KeyValuePairs_ReturnsMap()
    {
        Assert.True(LabelParser.TryParse(["env=prod", "team=blue team", "empty="], out var labels, out var error));
        Assert.Null(error);
        Assert.Equal("prod", labels["env"]);
        Assert.Equal("blue team", labels["team"]);
        Assert.Equal(string.Empty, labels["empty"]);
    }

    [Fact]
    public void TryParse_ValueWithEquals_SplitsAtFirstEquals()
    {
        Assert.True(LabelParser.TryParse(["query=a=b"], out var labels, out _));
        Assert.Equal("a=b", labels["query"]);
    }

    [Fact]
    public void TryParse_NoArguments_ReturnsEmptyMap()
    {
        Assert.True(LabelParser.TryParse(null, out var labels, out _));
        Assert.Empty(labels);
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=value")]
    [InlineData(" =value")]
    public void TryParse_Malformed_ReturnsErrorNamingIt(string argument)
    {
        Assert.False(LabelParser.TryParse([argument], out _, out var error));
        Assert.Contains($"'{argument}'", error);
    }

    [Fact]
    public void TryParse_DuplicateKey_ReturnsError()
    {
        Assert.False(LabelParser.TryParse(["env=a", "env=b"], out _, out var error));
        Assert.Contains("env", error);
    }

    [Fact]
    public void TryParse_Noun_NamesTheArgumentKindInErrors()
    {
        Assert.False(LabelParser.TryParse(["path"], "parameter", out _, out var error));
        Assert.Equal("parameter 'path' is not of the form key=value", error);
    }
}
