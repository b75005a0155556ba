using LiteDB;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.LiteDb;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>The conformance suite on the LiteDB store: a new file in a fresh temporary directory per store.</summary>
public sealed class LiteDbStoreConformanceTests : StoreConformanceTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secplat-litedb-");
    private readonly List<LiteDbControlPlaneStore> _stores = [];

    protected override Task<IControlPlaneStore> CreateStoreAsync()
    {
        var store = new LiteDbControlPlaneStore(Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db"));
        _stores.Add(store);
        return Task.FromResult<IControlPlaneStore>(store);
    }

    protected override Task TamperWithAuditAsync(IControlPlaneStore store, AuditTamper tamper)
    {
        var rows = ((LiteDbControlPlaneStore)store).Database.GetCollection(LiteDbCollections.AuditEvents);
        switch (tamper.Kind)
        {
            case AuditTamperKind.EditRow:
                var row = rows.FindById(tamper.Sequence);
                row["detail"] = "nothing happened here";
                Assert.True(rows.Update(row));
                break;
            case AuditTamperKind.DeleteRow:
                Assert.True(rows.Delete(tamper.Sequence));
                break;
            case AuditTamperKind.SwapWithNext:
                var first = rows.FindById(tamper.Sequence);
                var second = rows.FindById(tamper.Sequence + 1);
                foreach (var field in first.Keys.Union(second.Keys).Where(k => k != "_id").ToList())
                {
                    var fromFirst = first.TryGetValue(field, out var a) ? a : BsonValue.Null;
                    first[field] = second.TryGetValue(field, out var b) ? b : BsonValue.Null;
                    second[field] = fromFirst;
                }

                Assert.True(rows.Update(first));
                Assert.True(rows.Update(second));
                break;
            case AuditTamperKind.CutTailFrom:
                Assert.True(rows.DeleteMany(BsonExpression.Create("$._id >= @0", new BsonValue(tamper.Sequence))) > 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tamper), tamper.Kind, "Unknown tamper kind.");
        }

        return Task.CompletedTask;
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
