using SecPlatform.Cli.Parsing;

namespace SecPlatform.Cli.Tests.Parsing;

public sealed class PointInTimeTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z")]
    [InlineData("2030-01-02t03:04:05z", "2030-01-02T03:04:05Z")]
    [InlineData("2030-01-02T05:04:05+02:00", "2030-01-02T03:04:05Z")]
    [InlineData("2030-01-01T22:04:05-05:00", "2030-01-02T03:04:05Z")]
    [InlineData("2030-01-02T03:04:05.25Z", "2030-01-02T03:04:05.25Z")]
    public void TryParse_Rfc3339_ResolvesToThatUtcTime(string text, string expected)
    {
        Assert.True(PointInTime.TryParse(text, out var value));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value.Resolve(Now));
        Assert.Equal(TimeSpan.Zero, value.Resolve(Now).Offset);
    }

    [Theory]
    [InlineData("+10m", 600)]
    [InlineData("+1h30m", 5400)]
    public void TryParse_PlusDuration_ResolvesFromNow(string text, int seconds)
    {
        Assert.True(PointInTime.TryParse(text, out var value));

        Assert.Equal(Now.AddSeconds(seconds), value.Resolve(Now));
        Assert.Equal(Now.AddHours(1).AddSeconds(seconds), value.Resolve(Now.AddHours(1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("10m")]
    [InlineData("+")]
    [InlineData("+0s")]
    [InlineData("+-5m")]
    [InlineData("2030-01-02")]
    [InlineData("2030-01-02T03:04:05")]
    [InlineData("2030-01-02 03:04:05Z")]
    [InlineData("2030-13-02T03:04:05Z")]
    public void TryParse_Invalid_ReturnsFalse(string? text)
    {
        Assert.False(PointInTime.TryParse(text, out var value));
        Assert.Null(value);
    }
}
