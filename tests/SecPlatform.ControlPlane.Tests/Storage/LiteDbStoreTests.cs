using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>Facts of the LiteDB store that the conformance suite cannot state for every provider: the file itself.</summary>
public sealed class LiteDbStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secplat-litedb-");

    private string DataFile => Path.Combine(_directory.FullName, LiteDbControlPlaneStore.DefaultFileName);

    [Fact]
    public async Task Constructor_NewFile_CreatesFilesReadableByOwnerOnly()
    {
        using (var store = new LiteDbControlPlaneStore(DataFile))
        {
            await store.CreateTenantAsync(TestData.NewTenant("acme"), Ct);
            AssertOwnerOnly();
        }

        AssertOwnerOnly();
    }

    [Fact]
    public async Task Constructor_ExistingFile_ReopensWithItsData()
    {
        var tenant = TestData.NewTenant("acme", TestData.At(5));
        using (var store = new LiteDbControlPlaneStore(DataFile))
        {
            await store.CreateTenantAsync(tenant, Ct);
            await store.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(6), null, "created"), Ct);
        }

        using var reopened = new LiteDbControlPlaneStore(DataFile);

        Assert.Equal(tenant.CreatedAt, (await reopened.FindTenantByNameAsync("acme", Ct))?.CreatedAt);
        var head = await reopened.GetAuditHeadAsync(Ct);
        Assert.Equal(1, head.Count);
        var next = await reopened.AppendAuditAsync(TestData.NewAuditEntry(TestData.At(7), null), Ct);
        Assert.Equal(2, next.Sequence);
        Assert.Equal(head.Hash, next.PreviousHash);
    }

    [Fact]
    public async Task CreateTenantAsync_TimeWithOffsetAndSubMillisecondTicks_KeepsTheExactInstant()
    {
        using var store = new LiteDbControlPlaneStore(DataFile);
        var createdAt = new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var tenant = new Tenant { Id = SecretToken.NewId(), Name = "acme", CreatedAt = createdAt };

        await store.CreateTenantAsync(tenant, Ct);

        var stored = await store.GetTenantAsync(tenant.Id, Ct);
        Assert.Equal(createdAt.UtcTicks, stored?.CreatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, stored?.CreatedAt.Offset);
    }

    [Fact]
    public async Task RegisterAgentAsync_AfterRegistration_FileHoldsHashesButNoRawSecret()
    {
        var tokenSecret = SecretToken.Create(SecretKind.BootstrapToken);
        var agentKey = SecretToken.Create(SecretKind.AgentKey);
        var token = TestData.NewToken(null, TestData.At(0), secretHash: SecretHash.Sha256Hex(tokenSecret.Secret));
        var registration = TestData.NewRegistration(token, TestData.At(1), keySecretHash: SecretHash.Sha256Hex(agentKey.Secret));
        using (var store = new LiteDbControlPlaneStore(DataFile))
        {
            await store.CreateBootstrapTokenAsync(token, Ct);
            Assert.True(await store.RegisterAgentAsync(registration, Ct));
            AssertFilesHoldNoSecret(tokenSecret, agentKey, token.SecretHash);
        }

        // After the close LiteDB has moved everything from its log into the data file.
        var contents = AssertFilesHoldNoSecret(tokenSecret, agentKey, token.SecretHash);
        Assert.Contains(registration.Key.SecretHash, contents, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLiteDbStore_Resolved_IsOneSharedLiteDbStore()
    {
        var services = new ServiceCollection().AddLiteDbStore(DataFile);

        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IControlPlaneStore>();

        Assert.IsType<LiteDbControlPlaneStore>(store);
        Assert.Same(store, provider.GetRequiredService<IControlPlaneStore>());
        await store.CreateTenantAsync(TestData.NewTenant("acme"), Ct);
        Assert.True(File.Exists(DataFile));
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private void AssertOwnerOnly()
    {
        Assert.True(File.Exists(DataFile));
        if (OperatingSystem.IsWindows())
        {
            // No mode bits on Windows: the data directory's ACL is what protects the file.
            return;
        }

        foreach (var file in _directory.GetFiles())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.FullName));
        }
    }

    /// <summary>Reads every file of the store as text and checks that only hashes of the secrets are there.</summary>
    private string AssertFilesHoldNoSecret(SecretToken tokenSecret, SecretToken agentKey, string expectedHash)
    {
        var contents = string.Concat(_directory.GetFiles().Select(f => Encoding.Latin1.GetString(ReadShared(f.FullName))));
        Assert.Contains(expectedHash, contents, StringComparison.Ordinal);
        Assert.DoesNotContain(tokenSecret.Secret, contents, StringComparison.Ordinal);
        Assert.DoesNotContain(agentKey.Secret, contents, StringComparison.Ordinal);
        return contents;
    }

    private static byte[] ReadShared(string path)
    {
        // The store may hold the file open: read it the way another process would.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
