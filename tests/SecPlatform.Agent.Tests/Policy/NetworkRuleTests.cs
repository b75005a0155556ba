using System.Net;
using SecPlatform.Agent.Policy;

namespace SecPlatform.Agent.Tests.Policy;

public sealed class NetworkRuleTests
{
    [Theory]
    [InlineData("127.0.0.0/8", "127.0.0.0/8")]
    [InlineData(" 10.0.0.0/8 ", "10.0.0.0/8")]
    [InlineData("127.0.0.1/32:22,80,8000-8100", "127.0.0.1/32:22,80,8000-8100")]
    [InlineData("127.0.0.1", "127.0.0.1/32")]
    [InlineData("::1/128", "::1/128")]
    [InlineData("::1/128:22", "::1/128:22")]
    [InlineData("fd00::/8:443", "fd00::/8:443")]
    [InlineData("::1", "::1/128")]
    public void Parse_ValidRule_RoundTrips(string text, string expected)
    {
        Assert.Equal(expected, NetworkRule.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "CIDR")]
    [InlineData("localhost", "not a CIDR")]
    [InlineData("127.0.0.1/8", "bits set after the /8 prefix; write 127.0.0.0/8")]
    [InlineData("127.0.0.0/33", "not a CIDR")]
    [InlineData("300.0.0.0/8", "not a CIDR")]
    [InlineData("127.0.0.1:22", "not a CIDR")]
    [InlineData("127.0.0.1/32:", "ports")]
    [InlineData("127.0.0.1/32:22;id", "ports")]
    [InlineData("127.0.0.1/32:0", "ports")]
    [InlineData("127.0.0.1/32:90-80", "ports")]
    public void TryParse_InvalidRule_SaysWhy(string text, string problem)
    {
        Assert.False(NetworkRule.TryParse(text, out _, out var error));
        Assert.Contains(problem, error);
    }

    [Theory]
    [InlineData("127.0.0.0/8", "127.255.0.1", true)]
    [InlineData("127.0.0.0/8", "128.0.0.1", false)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.0/8", "::1", false)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("10.0.0.5/32", "10.0.0.6", false)]
    public void Contains_ChecksTheBlock(string rule, string address, bool expected)
    {
        Assert.Equal(expected, NetworkRule.Parse(rule).Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Covers_AdjacentAndOverlappingRanges_Merge()
    {
        PortRange[] allowed = [new(1, 100), new(101, 200), new(150, 300)];

        Assert.True(PortRange.Covers(allowed, [new PortRange(50, 250)]));
        Assert.False(PortRange.Covers(allowed, [new PortRange(50, 301)]));
        Assert.True(PortRange.Covers(NetworkRule.Parse("10.0.0.0/8").AllowedPorts, [new PortRange(1, 65535)]));
    }
}
