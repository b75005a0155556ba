using SecPlatform.Cli.Parsing;

namespace SecPlatform.Cli.Tests.Parsing;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d2h3m4s", 86400 + 7200 + 180 + 4)]
    [InlineData("2H", 7200)]
    public void TryParse_ValidDuration_ReturnsSeconds(string text, int expectedSeconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("90")]
    [InlineData("h")]
    [InlineData("1x")]
    [InlineData("1h 30m")]
    [InlineData("30m1h")]
    [InlineData("1h1h")]
    [InlineData("-1h")]
    [InlineData("0s")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999999d")]
    [InlineData("9999999999d")]
    public void TryParse_InvalidDuration_ReturnsFalse(string? text)
    {
        Assert.False(DurationParser.TryParse(text, out var duration));
        Assert.Null(duration);
    }

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(600, "10m")]
    [InlineData(5400, "1h30m")]
    [InlineData(86400 + 7200 + 180 + 4, "1d2h3m4s")]
    public void Format_Duration_ReadsBackAsTheSameDuration(int seconds, string expected)
    {
        var text = DurationParser.Format(TimeSpan.FromSeconds(seconds));

        Assert.Equal(expected, text);
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }
}
