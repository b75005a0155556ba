using SecPlatform.Agent.Scanners;

namespace SecPlatform.Agent.Tests.Scanners;

/// <summary>Version parsing on the exact <c>--version</c> text the real tools print (Debian 12, secretlint from npm).</summary>
public sealed class SupportedScannersTests
{
    private const string ShellCheckOutput = """
        ShellCheck - shell script analysis tool
        version: 0.9.0
        license: GNU General Public License, version 3
        website: https://www.shellcheck.net

        """;

    private const string BanditOutput = """
        bandit 1.6.2
          python version = 3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]

        """;

    private const string NmapOutput = """
        Nmap version 7.93 ( https://nmap.org )
        Platform: x86_64-pc-linux-gnu
        Compiled with: liblua-5.3.6 openssl-3.0.19 libssh2-1.10.0 libz-1.2.13 libpcre-8.39 libpcap-1.10.3 nmap-libdnet-1.12 ipv6
        Compiled without:
        Available nsock engines: epoll poll select

        """;

    [Fact]
    public void ParseShellCheckVersion_RealOutput_ReadsTheVersionLine() =>
        Assert.Equal("0.9.0", SupportedScanners.ParseShellCheckVersion(ShellCheckOutput));

    [Fact]
    public void ParseShellCheckVersion_LicenseLineAlone_IsNotAVersion() =>
        Assert.Null(SupportedScanners.ParseShellCheckVersion("license: GNU General Public License, version 3\n"));

    [Fact]
    public void ParseBareVersion_FlawfinderOutput_ReadsIt() =>
        Assert.Equal("2.0.19", SupportedScanners.ParseBareVersion("2.0.19\n"));

    [Fact]
    public void ParseBareVersion_SecretlintOutput_ReadsIt() =>
        Assert.Equal("12.0.0", SupportedScanners.ParseBareVersion("12.0.0\n"));

    [Theory]
    [InlineData("")]
    [InlineData("Usage: flawfinder [options] [source code file or source root directory]+\n")]
    [InlineData("command not found\n2.0.19\n")]
    public void ParseBareVersion_OtherText_IsNotAVersion(string output) =>
        Assert.Null(SupportedScanners.ParseBareVersion(output));

    [Fact]
    public void ParseBanditVersion_RealOutput_TakesBanditsVersionNotPythons() =>
        Assert.Equal("1.6.2", SupportedScanners.ParseBanditVersion(BanditOutput));

    [Fact]
    public void ParseBanditVersion_PythonLineAlone_IsNotAVersion() =>
        Assert.Null(SupportedScanners.ParseBanditVersion("  python version = 3.11.2 (main)\n"));

    [Fact]
    public void ParseNmapVersion_RealOutput_ReadsIt() =>
        Assert.Equal("7.93", SupportedScanners.ParseNmapVersion(NmapOutput));

    [Fact]
    public void ParseNmapVersion_LibraryVersionsAlone_AreNotNmaps() =>
        Assert.Null(SupportedScanners.ParseNmapVersion("Compiled with: liblua-5.3.6 openssl-3.0.19\n"));

    [Theory]
    [InlineData("version: 0.10.0\n", "0.10.0")]
    [InlineData("version: 0.9.0-rc1\n", "0.9.0-rc1")]
    public void ParseShellCheckVersion_OtherReleases_AreRead(string output, string expected) =>
        Assert.Equal(expected, SupportedScanners.ParseShellCheckVersion(output));

    [Fact]
    public void Probes_CoverTheSupportedScanners() =>
        Assert.Equal(
            ["bandit", "cdxgen", "flawfinder", "nmap", "secretlint", "shellcheck"],
            SupportedScanners.Probes.Select(p => p.ScannerId).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("\u001b[1mCycloneDX Generator 12.8.4\u001b[0m\nRuntime: Node.js, Version: 20.20.2\n", "12.8.4")]
    [InlineData("CycloneDX Generator 11.0.0\n", "11.0.0")]
    public void ParseCdxgenVersion_RealOutput_IsReadWithoutTheNodeVersion(string output, string expected) =>
        Assert.Equal(expected, SupportedScanners.ParseCdxgenVersion(System.Text.RegularExpressions.Regex.Unescape(output)));
}
