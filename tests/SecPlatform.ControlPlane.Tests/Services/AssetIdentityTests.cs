using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Tests.Services;

public sealed class AssetIdentityTests
{
    private static AssetKind Kind(string name) => AssetKind.Seed.Single(k => k.Name == name);

    [Theory]
    [InlineData("host", " Web-1.Example.TEST. ", "web-1.example.test")]
    [InlineData("ip", "2001:DB8::1", "2001:db8::1")]
    [InlineData("url", "HTTPS://Example.COM:8443/Path/To?Q=A", "https://example.com:8443/Path/To?Q=A")]
    [InlineData("url", "not a url", "not a url")]
    [InlineData("repository", "https://git.example.test/org/Repo/", "https://git.example.test/org/Repo")]
    [InlineData("path", "WEB-1.:/srv/App/run.sh", "web-1:/srv/App/run.sh")]
    [InlineData("path", @"web-1:C:\Src\a.c", @"web-1:C:\Src\a.c")]
    public void Normalize_PerKind(string kind, string value, string expected) =>
        Assert.Equal(expected, AssetIdentity.Normalize(Kind(kind), value));

    [Theory]
    [InlineData("path", "Web-1:/srv/app", "web-1")]
    [InlineData("path", "/srv/app", "")]
    [InlineData("url", "https://example.com", "")]
    public void HostKey_OnlyForKindsThatBelongToAHost(string kind, string value, string expected) =>
        Assert.Equal(expected, AssetIdentity.HostKey(Kind(kind), value));

    [Fact]
    public void Normalize_KindAddedAsData_TrimmedOnly() =>
        Assert.Equal("Bucket/X", AssetIdentity.Normalize(new AssetKind("bucket", "", false), "  Bucket/X "));
}
