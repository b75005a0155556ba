using SecPlatform.Cli.Versions;

namespace SecPlatform.Cli.Tests.Versions;

public sealed class SemanticVersionTests
{
    // The SemVer 2.0 example chain, then numeric (not textual) comparison of each part.
    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta")]
    [InlineData("1.0.0-beta", "1.0.0-beta.2")]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11")]
    [InlineData("1.0.0-beta.11", "1.0.0-rc.1")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("1.9.0", "1.10.0")]
    [InlineData("1.2.9", "1.2.10")]
    [InlineData("0.9.9", "1.0.0")]
    public void IsOlder_SemVerPrecedence(string older, string newer)
    {
        Assert.True(SemanticVersion.IsOlder(older, newer));
        Assert.False(SemanticVersion.IsOlder(newer, older));
    }

    [Theory]
    [InlineData("1.2.3+abc", "1.2.3+def")]
    [InlineData("1.2.3", "1.2.3")]
    public void IsOlder_EqualIgnoringBuildMetadata_False(string left, string right) => Assert.False(SemanticVersion.IsOlder(left, right));

    [Theory]
    [InlineData("")]
    [InlineData("fake")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("1.x.3")]
    [InlineData("1.2.3-")]
    [InlineData("-1.2.3")]
    public void TryParse_NotASemanticVersion_False(string text) => Assert.False(SemanticVersion.TryParse(text, out _));

    [Fact]
    public void IsOlder_UnparseableSide_NeverFlags()
    {
        Assert.False(SemanticVersion.IsOlder("garbage", "1.0.0"));
        Assert.False(SemanticVersion.IsOlder("0.1.0", "dev"));
    }
}
