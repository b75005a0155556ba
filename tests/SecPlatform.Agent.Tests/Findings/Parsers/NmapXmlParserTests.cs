using System.Text;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Findings.Parsers;

public sealed class NmapXmlParserTests
{
    private static readonly ParseContext Context = new("nmap", "host-a", "/tmp", "db.internal");

    [Fact]
    public async Task Parse_RealOutput_OneFindingPerOpenPort()
    {
        var (output, port) = await RealOutputs.NmapAsync();

        var parsed = NmapXmlParser.Instance.Parse(output, truncated: false, Context);

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Null(parsed.ToolError);
        var finding = Assert.Single(parsed.Findings);
        Assert.Equal(port, finding.Location.Port);
        Assert.Equal("db.internal", finding.Host);
        Assert.Equal(new FindingAsset(AssetKind.Ip, "127.0.0.1"), finding.Asset);
    }

    [Fact]
    public async Task Parse_EveryPrefixOfRealOutput_NeverThrowsAndIsNeverComplete()
    {
        var (output, _) = await RealOutputs.NmapAsync();

        for (var length = 0; length < output.Length - 12; length += 9)
        {
            var parsed = NmapXmlParser.Instance.Parse(output.AsMemory(0, length), truncated: true, Context);

            Assert.NotEqual(ParseStatus.Complete, parsed.Status);
        }
    }

    [Fact]
    public async Task Parse_NameThatDidNotResolve_IsAToolError()
    {
        // nmap exits 0 here: only runstats tells the scan did nothing.
        var output = await RealTool.RunAsync("nmap", ["-sT", "-Pn", "-n", "-p", "1", "-oX", "-", "name.invalid"], Path.GetTempPath());
        Assert.Equal(0, output.ExitCode);

        var parsed = NmapXmlParser.Instance.Parse(output.Stdout, truncated: false, Context);

        Assert.Empty(parsed.Findings);
        Assert.Contains("hosts up=0", parsed.ToolError);
    }

    [Fact]
    public void Parse_EntityExpansion_IsNotExpanded()
    {
        var bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
            <nmaprun><host><address addr="&c;" addrtype="ipv4"/></host><runstats><hosts up="1"/></runstats></nmaprun>
            """;

        var parsed = NmapXmlParser.Instance.Parse(Encoding.UTF8.GetBytes(bomb), truncated: false, Context);

        Assert.NotEqual(ParseStatus.Complete, parsed.Status);
        Assert.Empty(parsed.Findings);
    }

    [Fact]
    public void Parse_ExternalEntity_IsNeverFetched()
    {
        var xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE nmaprun [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <nmaprun><host><address addr="127.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open" reason="&x;"/></port></ports></host><runstats><hosts up="1"/></runstats></nmaprun>
            """;

        var parsed = NmapXmlParser.Instance.Parse(Encoding.UTF8.GetBytes(xxe), truncated: false, Context);

        Assert.DoesNotContain("root:", string.Join("", parsed.Findings.Select(f => f.Evidence)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Starting Nmap 7.93")]
    [InlineData("<other/>")]
    [InlineData("{\"json\":true}")]
    public void Parse_NotAnNmapReport_Fails(string output)
    {
        var parsed = NmapXmlParser.Instance.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context);

        Assert.Equal(ParseStatus.Failed, parsed.Status);
        Assert.NotNull(parsed.Problem);
    }

    [Fact]
    public void Parse_ClosedAndFilteredPorts_AreNotFindings()
    {
        var output = """
            <nmaprun><host><address addr="10.0.0.5" addrtype="ipv4"/><ports>
            <port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/><service name="ssh"/></port>
            <port protocol="tcp" portid="23"><state state="closed" reason="conn-refused"/></port>
            <port protocol="tcp" portid="25"><state state="filtered" reason="no-response"/></port>
            <port protocol="tcp" portid="443"><state state="open" reason="syn-ack"/><service name="https"/></port>
            </ports></host><runstats><finished exit="success"/><hosts up="1" down="0" total="1"/></runstats></nmaprun>
            """;

        var parsed = NmapXmlParser.Instance.Parse(Encoding.UTF8.GetBytes(output), truncated: false, Context);

        Assert.Equal(ParseStatus.Complete, parsed.Status);
        Assert.Equal([22, 443], parsed.Findings.Select(f => f.Location.Port!.Value));
        Assert.Equal(
            FindingFingerprint.Compute("nmap", "open-port", new FindingAsset(AssetKind.Ip, "10.0.0.5"), "tcp/22", 0),
            parsed.Findings[0].Fingerprint);
        Assert.Contains("service=ssh", parsed.Findings[0].Evidence);
    }
}
