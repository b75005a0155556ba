using System.Runtime.Versioning;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Platform;

/// <summary>The managed resolver (used where realpath(3) is not available) agrees with the OS on links in every component.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class LinkResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void RealPath_LinksInSeveralComponents_MatchesTheOperatingSystem()
    {
        var real = Directory.CreateDirectory(_temp.Combine("real", "deep")).FullName;
        File.WriteAllText(Path.Combine(real, "file.txt"), "x");
        File.CreateSymbolicLink(_temp.Combine("a"), _temp.Combine("real"));
        File.CreateSymbolicLink(_temp.Combine("real", "up"), "..");
        File.CreateSymbolicLink(_temp.Combine("chain"), "a/up/a/deep");
        var requested = _temp.Combine("chain", "file.txt");

        Assert.Equal(AgentPlatforms.Current.RealPath(requested), LinkResolver.RealPath(requested));
        Assert.Equal(AgentPlatforms.Current.RealPath(Path.Combine(real, "file.txt")), LinkResolver.RealPath(requested));
    }

    [Fact]
    public void RealPath_MissingOrLooping_IsNull()
    {
        File.CreateSymbolicLink(_temp.Combine("loop"), _temp.Combine("loop"));

        Assert.Null(LinkResolver.RealPath(_temp.Combine("missing")));
        Assert.Null(LinkResolver.RealPath(_temp.Combine("loop")));
        Assert.Null(AgentPlatforms.Current.RealPath(_temp.Combine("loop")));
    }

    public void Dispose() => _temp.Dispose();
}
