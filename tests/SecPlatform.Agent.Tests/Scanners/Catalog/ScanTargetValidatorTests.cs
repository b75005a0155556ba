using System.Runtime.Versioning;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Tests.Support;
using SecPlatform.Agent.Scanners.Catalog;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Tests.Scanners.Catalog;

[UnsupportedOSPlatform("windows")]
public sealed class ScanTargetValidatorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeHostResolver _resolver = new();
    private readonly ScanTargetValidator _validator;

    public ScanTargetValidatorTests()
    {
        _validator = new ScanTargetValidator(AgentPlatforms.Current, _resolver, TimeProvider.System);
    }

    private static ScannerSpec PathSpec => ScannerCatalog.Find("shellcheck")!;

    private static ScannerSpec NetworkSpec => ScannerCatalog.Find("nmap")!;

    [Fact]
    public async Task ValidateAsync_RootThatIsALink_AcceptsPathsWrittenEitherWay()
    {
        var real = Directory.CreateDirectory(_temp.Combine("real")).FullName;
        File.WriteAllText(Path.Combine(real, "a.sh"), "echo\n");
        var link = _temp.Combine("link");
        File.CreateSymbolicLink(link, real);
        var policy = ScanEngines.Policy(paths: [link]);
        var realA = AgentPlatforms.Current.RealPath(Path.Combine(real, "a.sh"));

        var viaLink = await _validator.ValidateAsync(PathSpec, ScanEngines.Parameters(("path", Path.Combine(link, "a.sh"))), policy, CancellationToken.None);
        var viaReal = await _validator.ValidateAsync(PathSpec, ScanEngines.Parameters(("path", realA!)), policy, CancellationToken.None);

        Assert.Equal(realA, viaLink.Target!.Path);
        Assert.Equal(realA, viaReal.Target!.Path);
        Assert.False(viaLink.Target.IsDirectory);
    }

    [Fact]
    public async Task ValidateAsync_OutsideTheRoots_DoesNotTellWhetherThePathExists()
    {
        var policy = ScanEngines.Policy(paths: [Directory.CreateDirectory(_temp.Combine("root")).FullName]);

        var existing = await _validator.ValidateAsync(PathSpec, ScanEngines.Parameters(("path", "/etc/passwd")), policy, CancellationToken.None);
        var missing = await _validator.ValidateAsync(PathSpec, ScanEngines.Parameters(("path", "/etc/no-such-file")), policy, CancellationToken.None);

        Assert.Contains("outside the allowed path roots", existing.Refusal);
        Assert.Contains("outside the allowed path roots", missing.Refusal);
    }

    [Fact]
    public async Task ValidateAsync_FileSystemRootAllowed_AcceptsAnyExistingPath()
    {
        var validation = await _validator.ValidateAsync(PathSpec, ScanEngines.Parameters(("path", "/etc/hostname")), ScanEngines.Policy(paths: ["/"]), CancellationToken.None);

        Assert.Null(validation.Refusal);
    }

    [Fact]
    public async Task ValidateAsync_NameResolvingOnlyInside_ScansThePreferredIPv4Address()
    {
        _resolver.Answers["dual.test"] = ScanEngines.Addresses("::1", "127.0.0.5");

        var validation = await _validator.ValidateAsync(NetworkSpec, ScanEngines.Parameters(("host", "dual.test"), ("ports", "22")),
            ScanEngines.Policy(networks: ["127.0.0.0/8", "::1/128"]), CancellationToken.None);

        Assert.Equal("127.0.0.5", validation.Target!.Address!.ToString());
        Assert.Equal("dual.test", validation.Target.Host);
    }

    [Fact]
    public async Task ValidateAsync_PortsAllowedByOneOfSeveralMatchingRules_AreAccepted()
    {
        var policy = ScanEngines.Policy(networks: ["127.0.0.0/8:22", "127.0.0.1/32:80"]);

        var both = await _validator.ValidateAsync(NetworkSpec, ScanEngines.Parameters(("host", "127.0.0.1"), ("ports", "22,80")), policy, CancellationToken.None);
        var otherHost = await _validator.ValidateAsync(NetworkSpec, ScanEngines.Parameters(("host", "127.0.0.2"), ("ports", "22,80")), policy, CancellationToken.None);

        Assert.Null(both.Refusal);
        Assert.Contains("not all allowed", otherHost.Refusal);
    }

    public void Dispose() => _temp.Dispose();
}
