namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>The single head document: row count and newest hash, written with every append.</summary>
internal sealed class AuditHeadDocument
{
    public const string SingletonId = "head";

    public string Id { get; set; } = SingletonId;
    public long Count { get; set; }
    public string Hash { get; set; } = "";
}
