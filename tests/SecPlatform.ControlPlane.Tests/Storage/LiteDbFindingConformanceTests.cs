using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>The findings conformance suite on the LiteDB store: a new file in a fresh temporary directory per store.</summary>
public sealed class LiteDbFindingConformanceTests : FindingConformanceTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secplat-litedb-findings-");
    private readonly List<LiteDbControlPlaneStore> _stores = [];

    protected override Task<IControlPlaneStore> CreateStoreAsync()
    {
        var store = new LiteDbControlPlaneStore(Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db"));
        _stores.Add(store);
        return Task.FromResult<IControlPlaneStore>(store);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _directory.Delete(recursive: true);
    }
}
