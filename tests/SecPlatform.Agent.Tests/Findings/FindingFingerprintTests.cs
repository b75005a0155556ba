using SecPlatform.Agent.Findings;

namespace SecPlatform.Agent.Tests.Findings;

public sealed class FindingFingerprintTests
{
    private static readonly FindingAsset File = FindingAsset.File("web-1", "/srv/app/run.sh");

    [Fact]
    public void Compute_IsSha256HexOfTheLengthPrefixedFields()
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            "10:shellcheck\n6:SC2086\n4:path\n21:web-1:/srv/app/run.sh\n13:line:3|col:15\n1:0\n")));

        Assert.Equal(expected, FindingFingerprint.Compute("shellcheck", "SC2086", File, FindingFingerprint.FileLocationKey(3, 15, null), 0));
    }

    [Fact]
    public void Compute_DiffersByEveryField()
    {
        var baseline = FindingFingerprint.Compute("shellcheck", "SC2086", File, FindingFingerprint.FileLocationKey(3, 15, null), 0);

        string[] variants =
        [
            FindingFingerprint.Compute("bandit", "SC2086", File, FindingFingerprint.FileLocationKey(3, 15, null), 0),
            FindingFingerprint.Compute("shellcheck", "SC2046", File, FindingFingerprint.FileLocationKey(3, 15, null), 0),
            FindingFingerprint.Compute("shellcheck", "SC2086", FindingAsset.File("web-2", "/srv/app/run.sh"), FindingFingerprint.FileLocationKey(3, 15, null), 0),
            FindingFingerprint.Compute("shellcheck", "SC2086", File, FindingFingerprint.FileLocationKey(3, 26, null), 0),
            FindingFingerprint.Compute("shellcheck", "SC2086", File, FindingFingerprint.FileLocationKey(4, 15, null), 0),
            FindingFingerprint.Compute("shellcheck", "SC2086", File, FindingFingerprint.FileLocationKey(3, 15, null), 1),
        ];

        Assert.DoesNotContain(baseline, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void FileLocationKey_WithContextHash_IgnoresTheLine()
    {
        Assert.Equal(FindingFingerprint.FileLocationKey(3, 5, "abc"), FindingFingerprint.FileLocationKey(30, 5, "abc"));
        Assert.NotEqual(FindingFingerprint.FileLocationKey(3, 5, "abc"), FindingFingerprint.FileLocationKey(3, 6, "abc"));
    }

    [Fact]
    public void NetworkLocationKey_IsProtocolAndPort()
    {
        Assert.Equal("tcp/22", FindingFingerprint.NetworkLocationKey("TCP", 22));
    }
}
