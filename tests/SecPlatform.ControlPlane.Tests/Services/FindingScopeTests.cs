using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Services;

public sealed class FindingScopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("/srv/app", "/srv/app")]
    [InlineData("/srv/app/", "/srv/app")]
    [InlineData("/srv/app//", "/srv/app")]
    [InlineData("/", "/")]
    [InlineData(@"C:\src\app\", @"C:\src\app")]
    [InlineData(@"C:\", @"C:\")]
    public void Of_FileScanner_AgentHostAndNormalizedPath(string path, string prefix)
    {
        var scope = FindingScope.Of(Command("shellcheck", ("path", path)), Agent("web-1"), Now);

        Assert.Equal(new ResolveScope("tn", "cmd", 2, "shellcheck", "web-1", prefix, Now), scope);
    }

    [Fact]
    public void Of_NetworkScanner_RequestedHostWithoutPath()
    {
        var scope = FindingScope.Of(Command("nmap", ("host", "192.0.2.10"), ("ports", "22")), Agent("web-1"), Now);

        Assert.Equal(new ResolveScope("tn", "cmd", 2, "nmap", "192.0.2.10", null, Now), scope);
    }

    [Theory]
    [InlineData("relative/path", "web-1")]
    [InlineData("/srv/app", "")]
    public void Of_RelativePathOrAgentWithoutHostname_NoScope(string path, string hostname) =>
        Assert.Null(FindingScope.Of(Command("shellcheck", ("path", path)), Agent(hostname), Now));

    [Fact]
    public void Of_NoPathOrHost_NoScope() => Assert.Null(FindingScope.Of(Command("custom"), Agent("web-1"), Now));

    [Theory]
    [InlineData("/srv/app", "/srv/app", true)]
    [InlineData("/srv/app", "/srv/app/x.sh", true)]
    [InlineData("/srv/app", "/srv/app/lib/deep/y.sh", true)]
    [InlineData("/srv/app", "/srv/app2/x.sh", false)]
    [InlineData("/srv/app", "/srv/ap", false)]
    [InlineData("/", "/etc/x", true)]
    [InlineData(@"C:\src", @"C:\src\a.c", true)]
    [InlineData(@"C:\src", @"C:\srcx\a.c", false)]
    public void Covers_FilesAtOrUnderThePathOnly(string prefix, string file, bool covered) =>
        Assert.Equal(covered, new ResolveScope("tn", "cmd", 1, "s", "h", prefix, Now).Covers(file));

    private static Command Command(string scanner, params (string Key, string Value)[] parameters) => new()
    {
        Id = "cmd",
        TenantId = "tn",
        Scanner = scanner,
        Parameters = parameters.ToDictionary(p => p.Key, p => p.Value),
        Attempt = 2,
        MaxAttempts = 3,
        TimeoutSeconds = 60,
        NotBefore = Now,
        ExpiresAt = Now,
        Status = CommandStatus.Succeeded,
        AvailableAt = Now,
        SortKey = Now,
        CreatedAt = Now,
        CreatedBy = "admin",
    };

    private static Agent Agent(string hostname) => new()
    {
        Id = "agent",
        Name = "agent",
        Hostname = hostname,
        TenantId = "tn",
        RegisteredAt = Now,
        BootstrapTokenId = "token",
    };
}
