using System.Globalization;
using SecPlatform.Agent.Lease;

namespace SecPlatform.Agent.Tests.Lease;

public sealed class HolderIdentityTests
{
    [Fact]
    public void Create_IsHostPidAndNonce()
    {
        var parts = HolderIdentity.Create("test-host").Value.Split('/');

        Assert.Equal(3, parts.Length);
        Assert.Equal("test-host", parts[0]);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), parts[1]);
        Assert.Matches("^[0-9a-f]{12}$", parts[2]);
    }

    [Fact]
    public void Create_TwiceInOneProcess_GivesDifferentIdentities() =>
        Assert.NotEqual(HolderIdentity.Create("test-host"), HolderIdentity.Create("test-host"));
}
