using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// The storage conformance suite: every provider runs these same tests. A provider's test class only
/// says how to create a fresh, empty store and how to tamper with its audit rows.
/// </summary>
public abstract class StoreConformanceTests
{
    /// <summary>A fresh, empty store (its own file or database), ready for use.</summary>
    protected abstract Task<IControlPlaneStore> CreateStoreAsync();

    /// <summary>Damages the stored audit chain directly in the database (as an attacker with raw access would).</summary>
    protected abstract Task TamperWithAuditAsync(IControlPlaneStore store, AuditTamper tamper);
}
