namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// A tenant's turn in the fair share of claims. <see cref="LastServed"/> is a counter, not a time: every
/// claim gives its tenant the next number, so claims within one call still take turns. Zero: never served.
/// </summary>
internal sealed class TenantQueueStateDocument
{
    public string Id { get; set; } = "";
    public long LastServed { get; set; }
}
