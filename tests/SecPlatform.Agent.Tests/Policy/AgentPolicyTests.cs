using SecPlatform.Agent.Policy;

namespace SecPlatform.Agent.Tests.Policy;

public sealed class AgentPolicyTests
{
    private static readonly string[] Known = ["shellcheck", "nmap"];

    [Fact]
    public void Nothing_AllowsNoPathNoNetworkAndEveryInstalledScanner()
    {
        Assert.Empty(AgentPolicy.Nothing.PathRoots);
        Assert.Empty(AgentPolicy.Nothing.Networks);
        Assert.True(AgentPolicy.Nothing.AllowsScanner("shellcheck"));
    }

    [Fact]
    public void Create_NormalizesAndDeduplicatesRoots()
    {
        var policy = AgentPolicy.Create(["/srv/app/", "/srv/app", "/srv/./data", "/"], ["10.0.0.0/8"], null, Known);

        Assert.Equal(["/srv/app", "/srv/data", "/"], policy.PathRoots);
        Assert.Null(policy.Scanners);
    }

    [Theory]
    [InlineData("relative/dir", "absolute")]
    [InlineData("/srv/../etc", "'..'")]
    [InlineData("/srv/a\0b", "NUL")]
    public void Create_BadPath_Throws(string path, string problem)
    {
        var error = Assert.Throws<AgentPolicyException>(() => AgentPolicy.Create([path], [], null, Known));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Create_UnknownScanner_Throws()
    {
        var error = Assert.Throws<AgentPolicyException>(() => AgentPolicy.Create([], [], ["semgrep"], Known));

        Assert.Contains("not a catalog scanner", error.Message);
    }

    [Fact]
    public void Create_Scanners_LimitsWhatMayRun()
    {
        var policy = AgentPolicy.Create([], [], ["nmap", "nmap"], Known);

        Assert.Equal(["nmap"], policy.Scanners);
        Assert.True(policy.AllowsScanner("nmap"));
        Assert.False(policy.AllowsScanner("shellcheck"));
    }

    [Fact]
    public void Create_BadNetwork_Throws()
    {
        Assert.Throws<AgentPolicyException>(() => AgentPolicy.Create([], ["10.0.0.1/8"], null, Known));
    }
}
