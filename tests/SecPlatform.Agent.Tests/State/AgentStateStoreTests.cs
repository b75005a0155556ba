using System.Runtime.Versioning;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.State;

[UnsupportedOSPlatform("windows")]
public sealed class AgentStateStoreTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory _temp = new();

    [Fact]
    public void Open_NewDirectory_CreatesDirectory0700AndFile0600()
    {
        var directory = _temp.Combine("nested", "state");

        using var store = AgentStateStore.Open(directory, AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity());

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(directory, AgentStateStore.FileName)));
    }

    [Fact]
    public void Open_ExistingFileWithWideMode_TightensFileTo0600()
    {
        var file = _temp.Combine(AgentStateStore.FileName);
        File.WriteAllBytes(file, []);
        File.SetUnixFileMode(file, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);

        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Open_AfterWrites_LeavesNoFileReadableByOthers()
    {
        using (var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current))
        {
            store.SaveIdentity(Samples.Identity());
            store.SaveLease(Samples.Lease());
        }

        foreach (var file in Directory.GetFiles(_temp.Path))
        {
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void GetIdentity_WithServerPin_RoundTrips()
    {
        var identity = Samples.Identity() with { Server = new Uri("https://cp.example.test:8443/"), ServerPin = "sha256//" + Convert.ToBase64String(new byte[32]) };
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);

        store.SaveIdentity(identity);

        Assert.Equal(identity.ServerPin, store.GetIdentity()!.ServerPin);
    }

    [Fact]
    public void GetIdentity_StateWrittenBeforeSchema3WithoutPin_LoadsWithNoPin()
    {
        using (var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current))
        {
            store.SaveIdentity(Samples.Identity());
        }

        // What a version 2 file holds: the identity document without the serverPin field.
        using (var database = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = _temp.Combine(AgentStateStore.FileName), Connection = LiteDB.ConnectionType.Shared }))
        {
            var identities = database.GetCollection("identity");
            var document = identities.FindById("agent");
            document.Remove("serverPin");
            identities.Update(document);
            database.UserVersion = 2;
        }

        using var reopened = AgentStateStore.OpenExisting(_temp.Path, AgentPlatforms.Current)!;
        var identity = reopened.GetIdentity()!;
        Assert.Null(identity.ServerPin);
        Assert.Equal(Samples.Identity().AgentId, identity.AgentId);
    }

    [Fact]
    public void SaveIdentity_ThenGetIdentity_RoundTripsEveryField()
    {
        var identity = Samples.Identity();
        using (var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current))
        {
            store.SaveIdentity(identity);
        }

        using var reopened = AgentStateStore.OpenExisting(_temp.Path, AgentPlatforms.Current);
        var loaded = reopened!.GetIdentity()!;

        Assert.Equal(identity.AgentId, loaded.AgentId);
        Assert.Equal(identity.AgentKey.Value, loaded.AgentKey.Value);
        Assert.Equal(identity.Server, loaded.Server);
        Assert.Equal(identity.Name, loaded.Name);
        Assert.Equal(identity.Hostname, loaded.Hostname);
        Assert.Equal(identity.TenantId, loaded.TenantId);
        Assert.Equal(identity.Platform, loaded.Platform);
        Assert.Equal(identity.Labels, loaded.Labels);
        Assert.Equal(identity.Capabilities, loaded.Capabilities);
        Assert.Equal(identity.LeaseDurationSeconds, loaded.LeaseDurationSeconds);
        Assert.Equal(identity.RenewIntervalSeconds, loaded.RenewIntervalSeconds);
        Assert.Equal(identity.RegisteredAt, loaded.RegisteredAt);
        Assert.Equal(TimeSpan.Zero, loaded.RegisteredAt.Offset);
    }

    [Fact]
    public void SaveIdentity_PlatformAgent_KeepsNullTenant()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity() with { TenantId = null, Platform = true });

        var loaded = store.GetIdentity()!;

        Assert.Null(loaded.TenantId);
        Assert.True(loaded.Platform);
    }

    [Fact]
    public void SaveLease_ThenGetLease_RoundTrips()
    {
        var lease = Samples.Lease();
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity());

        store.SaveLease(lease);

        Assert.Equal(lease, store.GetLease());
    }

    [Fact]
    public void SaveIdentity_NewIdentity_ForgetsThePreviousLease()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity("agent0000001"));
        store.SaveLease(Samples.Lease());

        store.SaveIdentity(Samples.Identity("agent0000002"));

        Assert.Equal("agent0000002", store.GetIdentity()!.AgentId);
        Assert.Null(store.GetLease());
    }

    [Fact]
    public void DeleteIdentity_RemovesIdentityAndLease()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity());
        store.SaveLease(Samples.Lease());

        store.DeleteIdentity();

        Assert.Null(store.GetIdentity());
        Assert.Null(store.GetLease());
    }

    [Fact]
    public void UpdateCapabilities_ReplacesTheStoredList()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity());

        store.UpdateCapabilities([new ScannerCapability("bandit", "1.6.2")]);

        Assert.Equal([new ScannerCapability("bandit", "1.6.2")], store.GetIdentity()!.Capabilities);
    }

    [Fact]
    public void OpenExisting_NoStateFile_ReturnsNullAndCreatesNothing()
    {
        var directory = _temp.Combine("absent");

        Assert.Null(AgentStateStore.OpenExisting(directory, AgentPlatforms.Current));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Open_TwoStoresOnOneFile_SeeEachOthersWrites()
    {
        // 'status' reads while 'run' holds the file open and writes.
        using var writer = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        using var reader = AgentStateStore.OpenExisting(_temp.Path, AgentPlatforms.Current)!;
        writer.SaveIdentity(Samples.Identity());
        writer.SaveLease(Samples.Lease());

        Assert.Equal(Samples.Lease(), reader.GetLease());
    }

    [Fact]
    public void GetPolicy_NeverSet_AllowsNothing()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);

        Assert.Same(AgentPolicy.Nothing, store.GetPolicy());
    }

    [Fact]
    public void SavePolicy_ThenGetPolicy_RoundTrips()
    {
        var policy = AgentPolicy.Create(["/srv/app", "/opt/code"], ["127.0.0.0/8", "10.0.0.5/32:22,8000-8100", "::1/128"], ["nmap", "bandit"], ["nmap", "bandit"]);
        using (var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current))
        {
            store.SavePolicy(policy);
        }

        using var reopened = AgentStateStore.OpenExisting(_temp.Path, AgentPlatforms.Current)!;
        var loaded = reopened.GetPolicy();

        Assert.Equal(policy.PathRoots, loaded.PathRoots);
        Assert.Equal(policy.Networks.Select(n => n.ToString()), loaded.Networks.Select(n => n.ToString()));
        Assert.Equal(policy.Scanners, loaded.Scanners);
    }

    [Fact]
    public void SavePolicy_AllInstalledScanners_KeepsNull()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SavePolicy(AgentPolicy.Create(["/srv"], [], null, []));

        Assert.Null(store.GetPolicy().Scanners);
    }

    [Fact]
    public void SaveIdentity_NewIdentity_KeepsThePolicy()
    {
        using var store = AgentStateStore.Open(_temp.Path, AgentPlatforms.Current);
        store.SavePolicy(AgentPolicy.Create(["/srv"], [], null, []));

        store.SaveIdentity(Samples.Identity("agent0000002"));
        store.DeleteIdentity();

        Assert.Equal(["/srv"], store.GetPolicy().PathRoots);
    }

    [Fact]
    public void ToString_Identity_DoesNotPrintTheKeySecret()
    {
        var identity = Samples.Identity();

        Assert.DoesNotContain(identity.AgentKey.Secret, identity.ToString());
    }

    public void Dispose() => _temp.Dispose();
}
